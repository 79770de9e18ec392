"""Shared value types: Command semantics and validation, the Drone seam's landing context manager."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drone_ssl import Command, Drone, DroneState, Observation
from drone_ssl.types import CommandError


def test_command_rejects_out_of_range_and_non_finite_values() -> None:
    with pytest.raises(ValueError, match=r"pitch must be in \[-1, 1\]"):
        Command(pitch=-1.5)
    with pytest.raises(ValueError, match="yaw must be a finite number"):
        Command(yaw=math.nan)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_clipped_refuses_non_finite_components_instead_of_saturating_them(bad: float) -> None:
    # min/max would turn NaN into -1.0: full deflection. It must be refused, typed.
    for name in ("roll", "pitch", "gaz", "yaw"):
        with pytest.raises(CommandError, match=f"{name} must be a finite number"):
            Command.clipped(**{name: bad})
    with pytest.raises(CommandError, match="must be a number"):
        Command.clipped(pitch="0.5")  # type: ignore[arg-type]
    assert Command.clipped(pitch=np.float32(-2.0)) == Command(pitch=-1.0)


def test_clipped_saturates_and_hover_is_all_zero() -> None:
    assert Command.clipped(roll=2.0, pitch=-3.0, gaz=0.25, yaw=-0.5) == Command(1.0, -1.0, 0.25, -0.5)
    assert Command.hover().is_hover and not Command(pitch=-0.1).is_hover


class RecordingDrone(Drone):
    def __init__(self) -> None:
        self.frame_period_s = 0.1
        self.calls: list[str] = []

    def connect(self) -> None:
        self.calls.append("connect")

    def takeoff(self) -> None:
        self.calls.append("takeoff")

    def land(self) -> None:
        self.calls.append("land")

    def emergency(self) -> None:
        self.calls.append("emergency")

    def read(self) -> Observation:
        state = DroneState(None, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), 1.0, 100.0, True)
        return Observation(0.0, np.zeros((2, 2), np.uint8), None, state)

    def send(self, command: Command) -> None:
        raise RuntimeError("the stack failed")

    def close(self) -> None:
        self.calls.append("close")


def test_context_manager_lands_and_closes_even_when_the_body_raises() -> None:
    drone = RecordingDrone()
    with pytest.raises(RuntimeError), drone as flying:
        flying.takeoff()
        assert not flying.read().has_stereo
        flying.send(Command())
    assert drone.calls == ["connect", "takeoff", "land", "close"]
    assert isinstance(drone, Drone)
