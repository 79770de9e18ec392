"""`iter_samples`: self-supervised training samples (left image, stereo label) streamed from many flight logs."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from drone_ssl.flightlog.errors import FlightLogError
from drone_ssl.flightlog.reader import FlightLogReader


@dataclass(frozen=True)
class TrainingSample:
    """One sample for the mono learner; the label is the stereo reading, never the simulator's ground truth."""

    left: np.ndarray  # HxW uint8
    distance_m: float | None  # the stereo nearest-obstacle label; None only when unlabelled frames were asked for
    depth_m: np.ndarray | None  # stereo depth (m) when the flight logged depth maps
    t: float
    log: Path


def iter_samples(
    paths: Iterable[str | Path], *, labelled_only: bool = True, skip_unreadable: bool = False
) -> Iterator[TrainingSample]:
    """Samples from each log in turn, one frame in memory at a time; truncated logs give their readable prefix.

    A log that cannot be read at all raises FlightLogError, or with `skip_unreadable` is skipped with a warning.
    """
    for path in paths:
        try:
            reader = FlightLogReader(path)
        except FlightLogError as e:
            if not skip_unreadable:
                raise
            warnings.warn(f"skipping {path}: {e}", stacklevel=2)
            continue
        yield from reader_samples(reader, labelled_only=labelled_only)


def reader_samples(reader: FlightLogReader, *, labelled_only: bool = True) -> Iterator[TrainingSample]:
    """One log's samples, in one pass of `reader` (whose `report` then says what was recovered)."""
    for frame in reader.frames():
        stereo = frame.stereo
        if stereo is None or (labelled_only and not stereo.valid):
            continue
        yield TrainingSample(frame.left, stereo.distance_m, stereo.depth_m, frame.t, reader.path)
