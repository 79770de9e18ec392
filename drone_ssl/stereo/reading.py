"""`StereoReading`: what the stereo cue says about one frame (disparity, depth, nearest obstacle, free space)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drone_ssl.vision.distance_labels import sector_minima


@dataclass(frozen=True)
class StereoReading:
    """One frame's stereo evidence.

    `distance_m` is the robust nearest obstacle ahead (central region), None when this frame gives no label
    (too few valid pixels). `available` turns False once that has lasted for the configured number of
    consecutive frames (or the right image is missing): the stereo cue is then down, not merely uncertain.
    `profile_m` holds the nearest distance in each vertical band of the image, left to right, NaN where unknown.
    """

    disparity: np.ndarray  # float32 HxW, pixels, NaN where invalid
    depth_m: np.ndarray  # float32 HxW, metres, NaN where invalid, inf at zero disparity
    distance_m: float | None
    valid_fraction: float  # share of valid pixels in the central region
    profile_m: np.ndarray  # float32 (columns,), metres, NaN where unknown
    available: bool

    @property
    def valid(self) -> bool:
        """True when this frame has a distance label."""
        return self.distance_m is not None

    def sectors_m(self) -> tuple[float | None, float | None, float | None]:
        """Nearest distance in the left, centre and right thirds of the view; None where unknown."""
        return sector_minima(self.profile_m)
