"""Hand-made run records for the aggregation tests, and a stand-in for fly.py for the runner tests."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from drone_ssl_lab.experiment.aggregate import RunRecord
from drone_ssl_lab.experiment.grid import RunSpec

FAKE_FLY = Path(__file__).with_name("fake_fly.py")
FAKE_FLY_COMMAND = [sys.executable, str(FAKE_FLY)]


def scalars(
    collisions: int = 0,
    sim_time_s: float = 600.0,
    stereo_s: float | None = None,
    mono_s: float = 0.0,
    mono_collisions: int = 0,
    switch_time_s: float | None = None,
    overrides: int = 0,
    mono_frames: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """A run's scalar figures, as run_metrics makes them (only what the tests need)."""
    stereo = sim_time_s - mono_s if stereo_s is None else stereo_s
    return {
        "sim_time_s": sim_time_s,
        "collisions": collisions,
        "distance_flown_m": 100.0,
        "switch_time_s": switch_time_s,
        "switched": switch_time_s is not None,
        "overrides": overrides,
        "mono_frames": mono_frames,
        "stereo_s": stereo,
        "stereo_collisions": collisions - mono_collisions,
        "mono_flight_s": mono_s,
        "mono_flight_collisions": mono_collisions,
        "mono_only_s": 0.0,
        "mono_only_collisions": 0,
        **extra,
    }


def window(t_start: float, length: float = 30.0, **values: Any) -> dict[str, Any]:
    return {"t_start": t_start, "t_end": t_start + length, **values}


def record(
    condition: str,
    estimator: str,
    seed: int,
    figures: dict[str, Any],
    windows: list[dict[str, Any]] | None = None,
    source_seed: int | None = None,
) -> RunRecord:
    spec = RunSpec(condition, estimator, seed, source_seed)
    return RunRecord(spec, "finished", None, {"scalars": figures, "windows": windows or []})


@contextmanager
def ctrl_c_after(seconds: float) -> Iterator[None]:
    """Raise KeyboardInterrupt in the main thread after `seconds`, as a Ctrl-C would; restore the handler after."""

    def ctrl_c(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
