"""The logs a replay command was given: checked up front, split into training and held-out flights, probed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drone_ssl.flightlog import FlightLogError, FlightLogReader, ReadReport
from drone_ssl.replay.errors import ReplayError

HELD_OUT_SHARE = 0.2  # of the logs, when no --val logs are named: the last ones are held out


def check_logs(paths: Sequence[str | Path]) -> list[Path]:
    """The paths, each opened once (cheap: only its start is read); FlightLogError names the first bad one."""
    if not paths:
        raise ReplayError("no flight logs given; pass one or more flight.mcap files")
    checked = []
    for path in paths:
        FlightLogReader(path)
        checked.append(Path(path))
    if len({p.resolve() for p in checked}) != len(checked):
        raise ReplayError("a log is named twice; each flight may appear once")
    return checked


def split_validation(logs: Sequence[Path], val: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(training logs, held-out logs): `val` when given, else the last fifth of `logs` (at least one)."""
    if val:
        shared = {p.resolve() for p in logs} & {p.resolve() for p in val}
        if shared:
            raise ReplayError(f"{sorted(shared)[0]} is both a training and a --val log; a held-out flight must be new")
        return list(logs), list(val)
    if len(logs) < 2:
        raise ReplayError("validation needs a held-out flight: pass two or more logs, or name one with --val")
    held = max(1, round(HELD_OUT_SHARE * len(logs)))
    return list(logs[:-held]), list(logs[-held:])


def image_shape(path: Path) -> tuple[int, int]:
    """(height, width) of the left images of a log, from its first readable frame."""
    try:
        frame = next(iter(FlightLogReader(path).frames()), None)
    except FlightLogError as e:
        raise ReplayError(str(e)) from e
    if frame is None:
        raise ReplayError(f"{path} holds no readable frame; it is empty or damaged beyond recovery")
    return frame.left.shape


def describe(report: ReadReport) -> str:
    """The read report's line, with the run folder: logs are usually all called flight.mcap."""
    return f"{report.path.parent.name}/{report.summary()}"


def log_label(path: Path) -> str:
    """A short name that tells logs apart: run folder and file name."""
    return f"{path.parent.name}/{path.name}"
