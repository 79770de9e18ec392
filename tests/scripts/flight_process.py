"""A real `scripts/fly.py` process for the exit tests: started in its own process group, watched while it flies."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from drone_ssl.flightlog import FlightLogReader

FLY = Path(__file__).resolve().parents[2] / "scripts" / "fly.py"
SIM_TIME = re.compile(rb"t=\s*([0-9.]+)s")


class FlightProcess:
    """fly.py in a new session (so a signal can go to its whole process group, as a terminal sends Ctrl-C)."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(FLY), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, env=env,
        )  # fmt: skip
        self._stderr = bytearray()
        self._stdout = bytearray()
        self._readers = [
            threading.Thread(target=self._drain, args=(self.proc.stderr, self._stderr), daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stdout, self._stdout), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _drain(stream, into: bytearray) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            into.extend(chunk)

    def sim_time(self) -> float:
        """The latest simulated time on the status line (0 before the first frame)."""
        times = SIM_TIME.findall(bytes(self._stderr))
        return float(times[-1]) if times else 0.0

    def wait_flying(self, sim_time_s: float = 0.0, timeout: float = 120.0) -> None:
        """Until the status line shows at least `sim_time_s` of flight (a frame was flown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"fly.py ended early ({self.proc.returncode}): {self.stderr[-2000:]}")
            if SIM_TIME.search(bytes(self._stderr)) and self.sim_time() >= sim_time_s:
                return
            time.sleep(0.05)
        raise AssertionError(f"fly.py did not start flying within {timeout} s: {self.stderr[-2000:]}")

    def signal(self, signum: int, group: bool = True) -> float:
        """Send `signum` to the process group (a terminal's Ctrl-C) or to fly.py alone; returns the send time."""
        sent = time.monotonic()
        if group:
            os.killpg(self.proc.pid, signum)
        else:
            os.kill(self.proc.pid, signum)
        return sent

    def trainers(self) -> list[int]:
        """The pids of fly.py's spawned worker processes (the CNN trainer), not multiprocessing's helpers."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])  # the field after the state
                cmdline = (stat.parent / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue  # a process that ended meanwhile
            if parent == self.proc.pid and b"spawn_main" in cmdline:
                found.append(int(stat.parent.name))
        return found

    def wait(self, timeout: float = 120.0) -> int:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise
        for reader in self._readers:
            reader.join(timeout=5)
        return code

    @property
    def stderr(self) -> str:
        return self._stderr.decode(errors="replace")

    @property
    def stdout(self) -> str:
        return self._stdout.decode(errors="replace")


def finished_run(out: Path) -> tuple[dict, int]:
    """The run's summary and the number of frames in its log, asserting the log ends with its footer."""
    summary = json.loads((out / "summary.json").read_text())
    log = FlightLogReader(out / "flight.mcap")
    frames = sum(1 for _ in log.frames())
    assert log.report.complete, log.report
    return summary, frames
