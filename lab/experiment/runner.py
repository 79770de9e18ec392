"""Fly the runs of a grid in parallel (local `fly.py` processes or Ray tasks), resumably, with a progress bar."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from tqdm import tqdm

from drone_ssl_lab.experiment.errors import ExperimentError
from drone_ssl_lab.experiment.flight_args import Skip, fly_arguments
from drone_ssl_lab.experiment.folder import FINISHED, FLY_LOG, SKIPPED, ExperimentFolder
from drone_ssl_lab.experiment.grid import FlightSettings, RunSpec

POLL_S = 0.2
STOP_GRACE_S = 15.0  # an interrupted flight gets this long to land and close its log before it is killed

DONE, FLOWN, FAILED, BLOCKED = "done before", "flown", "failed", "blocked"
WAIT, STARTED = "wait", "started"  # what _start says when it has no outcome yet


@dataclass(frozen=True)
class Outcome:
    spec: RunSpec
    state: str  # DONE (finished in an earlier session), FLOWN, FAILED, SKIPPED or BLOCKED (its source failed)
    detail: str = ""
    wall_s: float = 0.0


class FlightLauncher(Protocol):
    """Starts flights somewhere (local processes, a Ray cluster) and says when each has ended."""

    def start(self, spec: RunSpec, args: list[str], out: Path) -> object:
        """Start `fly.py args` writing its run folder `out` (already empty, fly.log goes in it); returns a handle."""

    def exit_code(self, handle: object) -> int | None:
        """The flight's exit status once it has ended and its run folder is complete in `out`; None while it runs."""

    def stop(self, handles: list[object]) -> None:
        """Interrupted: have each flight land and close its log (as Ctrl-C would), kill what does not in time."""


@dataclass
class _Running:
    spec: RunSpec
    handle: object
    started: float = field(default_factory=time.monotonic)
    code: int | None = None


@dataclass
class _Process:
    process: subprocess.Popen
    log: IO[str]


class LocalLauncher:
    """Each flight a `fly_command` process on this machine, in its own process group, output to fly.log."""

    def __init__(self, fly_command: Sequence[str]) -> None:
        self.fly_command = list(fly_command)

    def start(self, spec: RunSpec, args: list[str], out: Path) -> _Process:
        log = open(out / FLY_LOG, "w")  # noqa: SIM115 - closed when the flight ends
        # Its own process group: stopping a flight reaches its training process too, and only the runner decides
        # when flights stop (it forwards an interrupt to each).
        process = subprocess.Popen([*self.fly_command, *args], stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        return _Process(process, log)

    def exit_code(self, handle: _Process) -> int | None:
        code = handle.process.poll()
        if code is not None:
            handle.log.close()
        return code

    def stop(self, handles: list[_Process]) -> None:
        for run in handles:
            _signal_group(run.process, signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_S
        for run in handles:
            try:
                run.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(run.process, signal.SIGKILL)
                run.process.wait()
            run.log.close()


class GridRunner:
    """Flies each run as its own `fly.py --sim` process into its own folder of `folder`.

    At most `jobs` flight processes run at once, a CNN flight counting two (its training process) and a texton
    flight one; a run bigger than `jobs` still runs, alone. A run whose folder holds a finished summary.json is
    not flown again; an unfinished folder (an interrupted flight) is emptied and flown again from scratch. Runs
    that build on another (persistent_cut, transfer) start once that one has finished. `fly_command` is the
    command line up to the script's arguments (tests use a stand-in for fly.py); `launcher` decides where flights
    run (default: local processes of `fly_command`; a RayLauncher: tasks of a Ray cluster).
    """

    def __init__(
        self,
        folder: ExperimentFolder,
        settings: FlightSettings,
        jobs: int,
        fly_command: Sequence[str],
        progress: bool = True,
        launcher: FlightLauncher | None = None,
    ) -> None:
        if jobs < 1:
            raise ExperimentError(f"--jobs must be at least 1, got {jobs}")
        self.folder = folder
        self.settings = settings
        self.jobs = jobs
        self.launcher = launcher if launcher is not None else LocalLauncher(fly_command)
        self.progress = progress

    def run(self, specs: Sequence[RunSpec]) -> list[Outcome]:
        """Fly what is not finished yet; one outcome per spec, in the order given."""
        self.folder.prepare(self.settings)
        outcomes = {s: Outcome(s, DONE) for s in specs if self.folder.state(s) == FINISHED}
        pending = [s for s in specs if s not in outcomes]
        bar = tqdm(total=len(specs), initial=len(outcomes), unit="run", desc="experiment", dynamic_ncols=True,
                   disable=not self.progress)  # fmt: skip
        running: list[_Running] = []
        shown = ""
        try:
            while pending or running:
                for spec in list(pending):
                    if not self._fits(spec, running):
                        continue
                    waiting = {*pending, *(r.spec for r in running)}
                    outcome = self._start(spec, outcomes, waiting, running)
                    if outcome == WAIT:
                        continue
                    pending.remove(spec)
                    if isinstance(outcome, Outcome):
                        outcomes[spec] = outcome
                        bar.update(1)
                for run in running:
                    if run.code is None:
                        run.code = self.launcher.exit_code(run.handle)
                for run in [r for r in running if r.code is not None]:
                    running.remove(run)
                    outcomes[run.spec] = self._finish(run)
                    bar.update(1)
                failed = sum(o.state in (FAILED, BLOCKED) for o in outcomes.values())
                status = f"flying: {', '.join(r.spec.id for r in running) or '-'}; failed: {failed}"
                if status != shown:
                    bar.set_postfix_str(status)
                    shown = status
                if running:
                    time.sleep(POLL_S)
        except BaseException:
            self._stop(running)
            raise
        finally:
            bar.close()
        return [outcomes[spec] for spec in specs]

    def _fits(self, spec: RunSpec, running: list[_Running]) -> bool:
        busy = sum(r.spec.processes for r in running)
        return not running or busy + spec.processes <= self.jobs

    def _start(
        self, spec: RunSpec, outcomes: dict[RunSpec, Outcome], waiting: set[RunSpec], running: list[_Running]
    ) -> Outcome | str:
        """Start the flight (STARTED), wait for the run it builds on (WAIT), or say why it is not flown."""
        source_folder = None
        if spec.source is not None:
            source = outcomes.get(spec.source)
            if source is None and spec.source in waiting:
                return WAIT
            if source is None and self.folder.state(spec.source) != FINISHED:
                return Outcome(spec, BLOCKED, f"{spec.source.id} has not finished and is not in this run list")
            if source is not None and source.state not in (DONE, FLOWN):
                return Outcome(spec, BLOCKED, f"{spec.source.id} did not finish ({source.state})")
            source_folder = self.folder.run_folder(spec.source)
        out = self.folder.run_folder(spec)
        args = fly_arguments(spec, self.settings, out, self.folder.config_file, source_folder)
        if isinstance(args, Skip):
            self.folder.mark_skipped(spec, args)
            return Outcome(spec, SKIPPED, args.reason)
        self.folder.start_fresh(spec)
        running.append(_Running(spec, self.launcher.start(spec, args, out)))
        return STARTED

    def _finish(self, run: _Running) -> Outcome:
        wall = time.monotonic() - run.started
        code = run.code
        if code == 0 and self.folder.state(run.spec) == FINISHED:
            return Outcome(run.spec, FLOWN, wall_s=wall)
        last = self.folder.failure(run.spec) or "no output"
        return Outcome(run.spec, FAILED, f"fly.py exited with {code}: {last}", wall)

    def _stop(self, running: list[_Running]) -> None:
        """Interrupted: ask every flight to stop (as Ctrl-C would: it lands and closes its log), then kill what
        has not stopped after the grace time. Their folders stay unfinished and are flown again next time."""
        self.launcher.stop([run.handle for run in running if run.code is None])


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, sig)
