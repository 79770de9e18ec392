"""PacedDrone hands out frames no sooner than their simulated time allows on the wall clock."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from drone_ssl_lab.bench.paced_drone import PacedDrone


class CountingDrone:
    def __init__(self, period_s: float) -> None:
        self.period_s, self.t, self.landed = period_s, 0.0, False
        self.frame_period_s = period_s

    def read(self) -> SimpleNamespace:
        self.t += self.period_s
        return SimpleNamespace(t=self.t)

    def land(self) -> None:
        self.landed = True


def test_frames_arrive_at_the_camera_rate_and_everything_else_passes_through() -> None:
    drone = PacedDrone(CountingDrone(0.05))
    start = time.perf_counter()
    times = [drone.read().t for _ in range(5)]
    elapsed = time.perf_counter() - start
    assert times == pytest.approx([0.05 * i for i in range(1, 6)])
    assert elapsed >= 4 * 0.05 - 0.005  # the first frame is the origin; four periods follow it
    drone.land()
    assert drone.landed and drone.period_s == 0.05 and drone.frame_period_s == 0.05
