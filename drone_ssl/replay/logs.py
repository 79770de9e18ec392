"""The logs a replay command was given: checked up front, split into training and held-out flights, probed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drone_ssl.flightlog import FlightLogError, FlightLogReader, ReadReport, reader_samples
from drone_ssl.replay.errors import ReplayError

HELD_OUT_SHARE = 0.2  # of the logs, when no --val logs are named: the last ones are held out
# Retraining refuses a log with fewer stereo-labelled frames than this (2 s of flight at 10 Hz): a log cut or
# damaged down to a handful of frames would otherwise train or validate on almost nothing, silently.
MIN_LOG_FRAMES = 20


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


@dataclass(frozen=True)
class LogRecovery:
    """What one pass over a log recovered: the reader's report and the frames with a usable stereo label."""

    report: ReadReport
    labelled: int

    def line(self) -> str:
        return f"{describe(self.report)}; {self.labelled} stereo-labelled frames usable"

    def as_dict(self) -> dict[str, Any]:
        r = self.report
        return {
            "log": log_label(r.path), "frames": r.frames, "labelled_frames": self.labelled, "complete": r.complete,
            "truncated": r.truncated, "problems_skipped": r.warnings, "read": self.line(),
        }  # fmt: skip


def recover(path: Path) -> LogRecovery:
    """Read a whole log once (streaming), counting the frames retraining can use."""
    reader = FlightLogReader(path)
    labelled = sum(1 for s in reader_samples(reader) if _usable(s.distance_m))
    assert reader.report is not None  # set when the pass ends
    return LogRecovery(reader.report, labelled)


def _usable(label: float | None) -> bool:
    return label is not None and math.isfinite(label) and label > 0


def recover_logs(train: Sequence[Path], val: Sequence[Path], min_frames: int = MIN_LOG_FRAMES) -> list[LogRecovery]:
    """What each training and held-out log recovered; ReplayError for the first one below `min_frames`."""
    recovered = []
    for role, paths in (("training", train), ("held-out", val)):
        for path in paths:
            try:
                found = recover(Path(path))
            except FlightLogError as e:
                raise ReplayError(str(e)) from e
            if found.labelled < min_frames:
                what = "holds no stereo-labelled frames" if found.labelled == 0 else (
                    f"holds only {found.labelled} stereo-labelled frames"
                )  # fmt: skip
                raise ReplayError(
                    f"{role} log {log_label(Path(path))} {what}, fewer than the {min_frames} retraining needs from "
                    f"each log ({found.line()}); leave it out, or lower --min-frames"
                )
            recovered.append(found)
    return recovered
