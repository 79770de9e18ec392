"""What every value handed to the flight log is checked for first: a flight time, a camera image."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from drone_ssl.flightlog.errors import FlightLogError


def flight_time_ns(t: float) -> int:
    """Flight seconds as integer nanoseconds; FlightLogError for a time that is not a finite t >= 0."""
    if not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0:
        raise FlightLogError(f"log time t={t!r} must be a finite number of seconds >= 0 (the flight time)")
    return round(t * 1e9)


def checked_image(array: Any, name: str) -> np.ndarray:
    """A copy of a 2-D uint8 camera image; FlightLogError for anything else."""
    if not isinstance(array, np.ndarray) or array.ndim != 2 or array.dtype != np.uint8:
        got = f"shape {array.shape} dtype {array.dtype}" if isinstance(array, np.ndarray) else type(array).__name__
        raise FlightLogError(f"the {name} image must be a 2-D uint8 array, got {got}")
    return array.copy()  # the caller may reuse its buffer before the writer thread encodes it
