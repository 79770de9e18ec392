"""What a stereo source hands `LinkedDrone.read()`: a timed pair, and the small interface sources implement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class StereoFrame:
    t: float  # seconds since the source was opened
    left: np.ndarray
    right: np.ndarray | None  # None: the stereo cue is unavailable


class StereoSource(Protocol):
    def open(self) -> None: ...

    def read(self) -> StereoFrame:
        """Block until the next pair; raise a DroneError subclass when none comes in time."""
        ...

    def close(self) -> None: ...
