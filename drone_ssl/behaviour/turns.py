"""Turning: which way is freer, and how far the drone has yawed."""

from __future__ import annotations

import math

import numpy as np

from drone_ssl.vision.distance_labels import sector_minima

CLOCKWISE = 1  # yaw + (PCMD): toward the right of the view
ANTICLOCKWISE = -1


def freer_side(profile_m: np.ndarray | None, rng: np.random.Generator) -> int:
    """CLOCKWISE when the right third of the view is freer (farther nearest obstacle) than the left, else
    ANTICLOCKWISE; an unknown third counts as blocked; a tie or no profile at all is a coin toss."""
    if profile_m is None or np.asarray(profile_m).size < 3:
        return CLOCKWISE if rng.random() < 0.5 else ANTICLOCKWISE
    left, _, right = sector_minima(profile_m)
    left_m, right_m = (0.0 if v is None else v for v in (left, right))
    if left_m == right_m:
        return CLOCKWISE if rng.random() < 0.5 else ANTICLOCKWISE
    return CLOCKWISE if right_m > left_m else ANTICLOCKWISE


class YawTracker:
    """Accumulates the yaw turned in one direction since `start`, across the ±pi wrap (turning back counts
    negative, so a wobble does not add up to a turn)."""

    def __init__(self) -> None:
        self.turned = 0.0
        self.direction = CLOCKWISE
        self._last: float | None = None

    def start(self, yaw: float, direction: int) -> None:
        self.turned = 0.0
        self.direction = direction
        self._last = yaw

    def update(self, yaw: float) -> float:
        """Add the step to `yaw`; returns the total turned in the direction (rad)."""
        if self._last is not None:
            step = (yaw - self._last + math.pi) % (2 * math.pi) - math.pi
            self.turned += step * self.direction
        self._last = yaw
        return self.turned
