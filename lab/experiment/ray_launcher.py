"""Flights as Ray tasks (a local Ray, or a cluster), each reserving the CPUs its flight uses.

A task runs `fly.py` on whichever node Ray picks. When that node sees the runs folder (a shared filesystem: it reads
the driver's token file there) the flight writes its run folder in place; otherwise it flies into a temporary folder
and returns the folder, which the driver unpacks into the runs folder. Either way the runner's resume logic is
unchanged: a run is finished when its summary.json is in the runs folder.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drone_ssl_app.fly import fly_command_line
from drone_ssl_lab.experiment.errors import ExperimentError
from drone_ssl_lab.experiment.folder import FLY_LOG, ExperimentFolder
from drone_ssl_lab.experiment.grid import RunSpec

TOKEN_FILE = ".ray-driver-token"
POLL_S = 0.2
# Ray workers block SIGINT and children inherit the mask, so fly.py would never see the interrupt that makes it land:
# the flight is started through this prefix, which unblocks it, restores its default handling and execs the command.
DEFAULT_SIGINT = [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                  "signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT]); "
                  "os.execvp(sys.argv[1], sys.argv[1:])"]  # fmt: skip
STOP_GRACE_S = 15.0  # as the local runner: an interrupted flight gets this long to land and close its log
SHIPPED_FLAGS = ("--config", "--model")  # fly.py arguments naming driver files a task on another node needs
PATH_FLAGS = ("--out", *SHIPPED_FLAGS)


def start_ray(address: str | None, num_cpus: int | None = None) -> None:
    """Connect to the Ray cluster at `address`, or start a local Ray (127.0.0.1 only, no dashboard) when None.

    Raises ExperimentError when Ray is not installed or cannot start.
    """
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # before Ray starts: no usage reports leave the machine
    try:
        import ray
    except ImportError as e:
        raise ExperimentError("--ray needs Ray: pip install -e '.[ray]'") from e
    try:
        if address is None:  # this machine: the workers run this interpreter, which has the product installed
            ray.init(num_cpus=num_cpus, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False)
        else:  # other machines: ship the product as a wheel (nodes need only the dependencies installed), no data
            ray.init(address=address, log_to_driver=False, runtime_env={"py_modules": [str(product_wheel())]})
    except (ConnectionError, RuntimeError, ValueError) as e:
        where = "a local Ray" if address is None else f"the Ray cluster at {address}"
        raise ExperimentError(f"cannot start {where} ({e}); check `ray status` on the head node") from e


def product_wheel() -> Path:
    """This checkout built as a wheel for a cluster's nodes (offline: the build uses the installed setuptools)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file():
        raise ExperimentError("--ray HOST ships the product from a source checkout; run it from one")
    dest = Path(tempfile.mkdtemp(prefix="drone_ssl-wheel-"))
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(dest),
        str(root),
    ]
    done = subprocess.run(build, capture_output=True, text=True)
    wheels = sorted(dest.glob("drone_ssl-*.whl"))
    if done.returncode != 0 or not wheels:
        raise ExperimentError(f"cannot build the product's wheel for the cluster: {done.stderr.strip()[-300:]}")
    return wheels[0]


def cluster_cpus() -> int:
    """CPUs the connected Ray cluster offers (at least 1)."""
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)))


@dataclass
class _Task:
    ref: object  # ray.ObjectRef of (exit code, packed run folder or None)
    out: Path


class RayLauncher:
    """Runs each flight as a Ray task with num_cpus = its processes (a CNN flight 2: it trains in a second one).

    `fly_command` (default: fly.py beside the package on each node) and `shared` (default: detect per task; False
    forces returning the run folder to the driver) exist for tests.
    """

    def __init__(
        self, folder: ExperimentFolder, fly_command: Sequence[str] | None = None, shared: bool | None = None
    ) -> None:
        import ray

        self._ray = ray
        self._fly = ray.remote(max_retries=0)(fly_flight)
        self._command = list(fly_command) if fly_command is not None else None
        self._token = uuid.uuid4().hex if shared is not False else ""
        folder.path.mkdir(parents=True, exist_ok=True)
        if self._token:
            (folder.path / TOKEN_FILE).write_text(self._token)

    def start(self, spec: RunSpec, args: list[str], out: Path) -> _Task:
        args = _absolute(args)
        values = dict(zip(args[:-1], args[1:], strict=True))
        shipped = {flag: (Path(values[flag]).name, Path(values[flag]).read_bytes()) for flag in SHIPPED_FLAGS
                   if flag in values}  # fmt: skip
        task = self._fly.options(num_cpus=spec.processes, name=spec.id)
        out = out.resolve()
        return _Task(task.remote(args, str(out), self._token, shipped, self._command), out)

    def exit_code(self, task: _Task) -> int | None:
        ray = self._ray
        if not ray.wait([task.ref], timeout=0)[0]:
            return None
        try:
            code, packed = ray.get(task.ref)
        except ray.exceptions.RayError as e:  # the task or its node died: the run is unfinished, flown again
            with (task.out / FLY_LOG).open("a") as log:
                log.write(f"\nthe Ray task of this flight failed: {str(e).strip().splitlines()[0]}\n")
            return 1
        if packed is not None:
            _unpack(packed, task.out)
        return code

    def stop(self, tasks: list[_Task]) -> None:
        ray = self._ray
        for task in tasks:
            ray.cancel(task.ref)  # a KeyboardInterrupt in the task, which forwards it to fly.py
        refs = [task.ref for task in tasks]
        _, late = ray.wait(refs, num_returns=len(refs), timeout=STOP_GRACE_S + 5.0) if refs else ([], [])
        for ref in late:
            ray.cancel(ref, force=True)


def fly_flight(
    args: list[str], out: str, token: str, shipped: dict[str, tuple[str, bytes]], fly_command: list[str] | None
) -> tuple[int, bytes | None]:
    """The task: fly into `out` if this node shares the runs folder, else into a temporary folder returned packed."""
    command = fly_command or fly_command_line()  # on the node: its interpreter, the installed module
    target = Path(out)
    if token and _reads(target.parent / TOKEN_FILE) == token:
        target.mkdir(parents=True, exist_ok=True)
        return _run([*command, *args], target), None
    with tempfile.TemporaryDirectory(prefix="drone_ssl_flight_") as tmp:
        here = Path(tmp) / target.name
        here.mkdir()
        local = {"--out": str(here)}
        for flag, (name, data) in shipped.items():
            (Path(tmp) / f"input{flag}-{name}").write_bytes(data)
            local[flag] = str(Path(tmp) / f"input{flag}-{name}")
        args = [local.get(previous, value) for previous, value in zip(["", *args[:-1]], args, strict=True)]
        code = _run([*command, *args], here)
        return code, _pack(here)


def _run(command: list[str], out: Path) -> int:
    """Run one flight with its output in out/fly.log; on cancellation it gets SIGINT (lands) before a kill."""
    with (out / FLY_LOG).open("w") as log:
        process = subprocess.Popen([*DEFAULT_SIGINT, *command], stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        try:
            while process.poll() is None:  # not wait(): Ray's cancel arrives between bytecodes, not inside wait()
                time.sleep(POLL_S)
            return process.returncode
        except KeyboardInterrupt:
            os.killpg(process.pid, signal.SIGINT)
            deadline = time.monotonic() + STOP_GRACE_S
            while process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise


def _absolute(args: list[str]) -> list[str]:
    """The same arguments with the paths after --out, --config and --model absolute (tasks run in other folders)."""
    pairs = zip(["", *args[:-1]], args, strict=True)
    return [str(Path(a).resolve()) if previous in PATH_FLAGS else a for previous, a in pairs]


def _reads(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _pack(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for item in sorted(folder.iterdir()):
            tar.add(item, arcname=item.name)
    return buffer.getvalue()


def _unpack(packed: bytes, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(packed), mode="r") as tar:
        tar.extractall(folder, filter="data")  # refuses absolute paths, links out of the folder, devices
