"""One flight's log as per-frame arrays: phase, stereo label, mono estimate, ground truth, collisions, overrides."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from drone_ssl.flightlog import FlightLogReader, LoggedEvent

NAN = math.nan


@dataclass(frozen=True)
class FlightSeries:
    """Times are seconds since the flight's first frame. Ground truth (evaluation-only channels) is NaN where
    the log has none, e.g. a real flight."""

    t: np.ndarray
    phase: np.ndarray  # phase name per frame ("stereo", "mono", "mono_only", "safe"; "" when not logged)
    stereo_m: np.ndarray  # the stereo label; NaN where stereo gave none (no match, cut)
    mono_m: np.ndarray  # the mono estimate (logged in every phase); NaN where mono gave none
    true_m: np.ndarray  # ground truth: free distance ahead
    collisions: np.ndarray  # ground truth: collisions so far
    override_t: np.ndarray  # training-wheel overrides (event times)
    complete: bool  # the log was closed properly (a killed flight keeps all but its last second)

    @property
    def frames(self) -> int:
        return int(self.t.size)

    @property
    def duration_s(self) -> float:
        return float(self.t[-1]) if self.t.size else 0.0


def _number(value: object) -> float:
    return NAN if value is None else float(value)


def read_series(path: Path) -> FlightSeries:
    """Stream the log once (memory: one chunk); raises FlightLogError when it cannot be read at all."""
    reader = FlightLogReader(path)
    t, phase, stereo, mono, truth, collisions, overrides = [], [], [], [], [], [], []
    for record in reader.records():
        if isinstance(record, LoggedEvent):
            if record.kind == "override":
                overrides.append(record.t)
            continue
        t.append(record.t)
        phase.append(record.phase_name or "")
        stereo.append(NAN if record.stereo is None else _number(record.stereo.distance_m))
        mono.append(NAN if record.mono is None else _number(record.mono.distance_m))
        gt = record.ground_truth or {}
        truth.append(_number(gt.get("nearest_ahead_m")))
        collisions.append(int(gt.get("collisions") or 0))
    start = t[0] if t else 0.0
    return FlightSeries(
        t=np.array(t, dtype=np.float64) - start,
        phase=np.array(phase, dtype=str),
        stereo_m=np.array(stereo, dtype=np.float64),
        mono_m=np.array(mono, dtype=np.float64),
        true_m=np.array(truth, dtype=np.float64),
        collisions=np.array(collisions, dtype=np.int64),
        override_t=np.array(overrides, dtype=np.float64) - start,
        complete=bool(reader.report is not None and reader.report.complete),
    )
