"""`PacedDrone`: a simulated drone that hands out frames at the camera's real rate, as a real drone does."""

from __future__ import annotations

import time
from typing import Any

from drone_ssl.types import Observation
from drone_ssl_sim.sim_drone import SimDrone


class PacedDrone:
    """Wraps a `SimDrone` so that `read()` waits until the frame's simulated time has passed on the wall clock.

    Flown without lock-step, the loop then meets what it meets on a real drone: a frame every camera period
    and the time in between free for background training. Everything but `read` is the simulator's own.
    """

    def __init__(self, drone: SimDrone) -> None:
        self._drone = drone
        self.frame_period_s = drone.frame_period_s
        self._origin: tuple[float, float] | None = None  # (simulated t, wall t) of the first frame

    def read(self) -> Observation:
        observation = self._drone.read()
        now = time.perf_counter()
        if self._origin is None:
            self._origin = (observation.t, now)
        due = self._origin[1] + (observation.t - self._origin[0])
        if due > now:
            time.sleep(due - now)
        return observation

    def __getattr__(self, name: str) -> Any:
        return getattr(self._drone, name)
