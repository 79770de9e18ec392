"""`MonoReading` and the `MonoEstimator` seam: a distance from the left image alone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from drone_ssl.vision.distance_labels import sector_minima


@dataclass(frozen=True)
class MonoReading:
    """One frame's monocular estimate; `distance_m` is None when the image carries no usable cue (or the estimator
    produced NaN or infinity: such a reading becomes "no reading", with its maps dropped)."""

    distance_m: float | None  # nearest obstacle ahead, metres, same definition as the stereo label
    confidence: float  # 0..1; 0 with no distance
    depth_m: np.ndarray | None = None  # coarse depth map (metres), when the estimator makes one
    profile_m: np.ndarray | None = None  # nearest distance per image column band, left to right

    def __post_init__(self) -> None:
        # A non-finite estimate is no estimate: it must never reach a decision as "nothing ahead".
        if self.distance_m is not None and not math.isfinite(self.distance_m):
            object.__setattr__(self, "distance_m", None)
        if self.distance_m is None or not math.isfinite(self.confidence):
            object.__setattr__(self, "confidence", 0.0)
        for name in ("depth_m", "profile_m"):
            value = getattr(self, name)
            if value is not None and not np.all(np.isfinite(value)):
                object.__setattr__(self, name, None)

    @property
    def valid(self) -> bool:
        return self.distance_m is not None

    def sectors_m(self) -> tuple[float | None, float | None, float | None]:
        """Nearest distance in the left, centre and right thirds of the view; None where unknown."""
        if self.profile_m is None:
            return None, None, None
        return sector_minima(self.profile_m)


@runtime_checkable
class MonoEstimator(Protocol):
    """Anything that estimates the nearest-obstacle distance from a left grayscale image."""

    def predict(self, left: np.ndarray) -> MonoReading:
        """Estimate from one HxW uint8 image; raises ImageInputError on a malformed image."""
        ...
