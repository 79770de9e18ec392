"""--live's pacing, checked with an injected clock: the simulator is held to the wall clock, never ahead of it."""

from __future__ import annotations

import pytest

from drone_ssl_app.live_flight import Pacer

ORIGIN_NS = 1_800_000_000 * 10**9


class FakeClock:
    """A wall clock that moves only when the pacer sleeps or the test says the simulator spent time."""

    def __init__(self) -> None:
        self.now_ns = ORIGIN_NS
        self.slept: list[float] = []

    def __call__(self) -> int:
        return self.now_ns

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now_ns += round(seconds * 1e9)


@pytest.mark.parametrize("speed", [1.0, 2.0, 0.5])
def test_a_fast_simulator_is_held_so_each_frame_is_stamped_at_its_wall_clock_time(speed: float) -> None:
    clock = FakeClock()
    pacer = Pacer(ORIGIN_NS, speed, clock, clock.sleep)
    for i in range(1, 101):
        t = i * 0.0625  # a 16 Hz camera
        clock.now_ns += 5_000_000  # the simulator spends 5 ms a frame: far faster than real time
        pacer.wait(t)
        # The log stamps frame t at origin + t; the frame is released at origin + t / speed (the wall clock at 1).
        assert clock.now_ns == pytest.approx(ORIGIN_NS + t / speed * 1e9, abs=1)
    assert pacer.waited_s == pytest.approx(100 * 0.0625 / speed - 100 * 0.005, rel=1e-6)


def test_a_slow_simulator_is_never_held() -> None:
    clock = FakeClock()
    pacer = Pacer(ORIGIN_NS, 1.0, clock, clock.sleep)
    for i in range(1, 21):
        clock.now_ns += 100_000_000  # 100 ms a frame for 62.5 ms of flight: behind the wall clock
        assert pacer.wait(i * 0.0625) == 0.0
    assert clock.slept == [] and pacer.waited_s == 0.0


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="speed"):
        Pacer(ORIGIN_NS, 0.0)
