"""Scripted readings and metrics for the arbiter tests."""

from __future__ import annotations

import math

import numpy as np

from drone_ssl.learner.metrics import ValidationMetrics
from drone_ssl.mono.reading import MonoReading
from drone_ssl.stereo.reading import StereoReading

AVOID = 1.2  # perception.avoid_distance_m in these scripts


def stereo(distance: float | None, available: bool = True, profile: list[float] | None = None) -> StereoReading:
    """A stereo reading that says `distance` ahead (None: no label this frame)."""
    blank = np.zeros((4, 4), np.float32)
    fill = np.nan if distance is None else distance
    bands = np.asarray(profile if profile is not None else [fill] * 6, np.float32)
    return StereoReading(blank, blank, distance, 1.0 if distance is not None else 0.0, bands, available)


def mono(distance: float | None) -> MonoReading:
    return MonoReading(distance, 0.0 if distance is None else 0.9)


def metrics(
    t: float,
    learning_round: int,
    tpr: float = 0.97,
    fpr: float = 0.1,
    mse_log: float = 0.02,  # between the switch (0.01) and fallback (0.04) bounds: no verdict either way
    n: int = 300,
    n_obstacle: int = 50,
    threshold_m: float = 1.4,
) -> ValidationMetrics:
    return ValidationMetrics(t, learning_round, n, n_obstacle, 0.2, mse_log, 0.95, tpr, fpr, threshold_m)


def bad(t: float, learning_round: int) -> ValidationMetrics:
    """Clearly degraded: below the fallback bounds (TPR < 0.8)."""
    return metrics(t, learning_round, tpr=0.6, fpr=0.3, mse_log=0.2)


NAN = math.nan
