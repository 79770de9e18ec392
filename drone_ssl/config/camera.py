"""Typed configuration of the camera the brain sees through: image size, field of view, stereo baseline."""

from __future__ import annotations

import math
from dataclasses import dataclass

from drone_ssl.config.loader import spec
from drone_ssl.errors import ConfigError


@dataclass(frozen=True)
class CameraConfig:
    width: int = spec(128, lo=32, hi=1920)
    height: int = spec(96, lo=24, hi=1080)
    hfov_deg: float = spec(60.0, lo=20.0, hi=150.0)
    baseline_m: float = spec(0.06, lo=0.01, hi=1.0)
    forward_offset_m: float = spec(0.1, lo=0.0, hi=1.0)  # camera ahead of the body centre
    near_m: float = spec(0.05, lo=0.001, hi=1.0)
    far_m: float = spec(20.0, lo=1.0, hi=1000.0)

    def __post_init__(self) -> None:
        if self.far_m <= self.near_m:
            raise ConfigError("camera.far_m", f"must be greater than camera.near_m ({self.near_m:g})")

    @property
    def focal_px(self) -> float:
        """Focal length in pixels of the ideal pinhole camera with this horizontal FOV."""
        return (self.width / 2) / math.tan(math.radians(self.hfov_deg) / 2)
