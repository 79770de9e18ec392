"""Step responses of the AR.Drone-like flight model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.types import Command
from drone_ssl_sim.flight_model import GRAVITY, FlightMode, FlightModel

HZ = 240.0


def airborne(config: DroneModelConfig | None = None) -> FlightModel:
    model = FlightModel(config or DroneModelConfig(), HZ)
    model.reset(0.0, 0.0, 0.0)
    model.takeoff()
    run(model, 5.0)
    return model


def run(model: FlightModel, seconds: float) -> None:
    for _ in range(round(seconds * HZ)):
        model.step()


def test_takeoff_reaches_the_takeoff_altitude_and_hovers() -> None:
    model = airborne()
    assert model.mode == FlightMode.FLYING
    assert model.body.z == pytest.approx(model.config.takeoff_altitude_m, abs=0.03)
    assert abs(model.body.vz) < 0.02


def test_pitch_forward_settles_at_the_drag_limited_speed() -> None:
    model = airborne()
    model.set_command(Command(pitch=-0.5))
    run(model, 12.0)
    expected = GRAVITY * math.tan(math.radians(6.0)) / model.config.drag_per_s
    speed = math.hypot(model.body.vx, model.body.vy)
    assert speed == pytest.approx(expected, rel=0.02)
    # Yaw 0 faces +x, so forward flight moves along +x only.
    assert model.body.vx > 0 and abs(model.body.vy) < 1e-6
    assert model.body.pitch == pytest.approx(-math.radians(6.0), rel=1e-3)


def test_roll_right_moves_right_of_the_heading() -> None:
    model = airborne()
    model.set_command(Command(roll=0.5))
    run(model, 3.0)
    # Facing +x, the right-hand side is -y.
    assert model.body.vy < -0.5 and abs(model.body.vx) < 1e-6


def test_yaw_rate_is_the_commanded_fraction_of_the_maximum_and_clockwise() -> None:
    model = airborne()
    model.set_command(Command(yaw=0.5))
    run(model, 1.0)
    assert model.body.yaw_rate == pytest.approx(math.radians(50.0), rel=1e-3)
    start = model.body.yaw
    run(model, 1.0)
    assert model.body.yaw - start == pytest.approx(math.radians(50.0), rel=1e-2)
    # Clockwise seen from above: the heading turns from +x toward -y.
    assert model.body.forward[1] < 0


def test_gaz_climbs_at_the_commanded_rate_then_holds_altitude() -> None:
    model = airborne()
    model.set_command(Command(gaz=1.0))
    run(model, 1.0)
    assert model.body.vz == pytest.approx(model.config.max_vz_mps, rel=0.01)
    model.set_command(Command.hover())
    run(model, 3.0)
    held = model.body.z
    run(model, 5.0)
    assert model.body.z == pytest.approx(held, abs=0.01)
    assert held > model.config.takeoff_altitude_m + 0.5


def test_hover_on_zero_command_brakes_to_a_stop() -> None:
    model = airborne()
    model.set_command(Command(pitch=-1.0))
    run(model, 4.0)
    assert math.hypot(model.body.vx, model.body.vy) > 2.0
    model.set_command(Command.hover())
    run(model, 4.0)
    assert math.hypot(model.body.vx, model.body.vy) < 0.05
    assert abs(model.body.pitch) < math.radians(0.5)


def test_landing_ends_on_the_floor_with_motors_idle() -> None:
    model = airborne()
    model.land()
    run(model, 4.0)
    assert model.mode == FlightMode.LANDED
    assert model.body.z == pytest.approx(model.ground_z)
    model.set_command(Command(pitch=-1.0))
    run(model, 1.0)
    assert model.body.x == 0.0 and not model.flying


def test_emergency_cuts_the_motors_and_falls() -> None:
    model = airborne()
    model.cut_motors()
    run(model, 1.0)
    assert model.mode == FlightMode.LANDED and model.body.z == pytest.approx(model.ground_z)


def test_rotation_maps_body_forward_to_the_heading() -> None:
    model = airborne()
    model.body.yaw = math.radians(90.0)  # a quarter turn clockwise: facing -y
    forward = model.rotation() @ np.array([1.0, 0.0, 0.0])
    assert forward == pytest.approx([0.0, -1.0, 0.0], abs=1e-9)
    model.body.pitch = math.radians(-10.0)  # nose down
    assert (model.rotation() @ np.array([1.0, 0.0, 0.0]))[2] < 0


def test_battery_drains_at_the_configured_rate() -> None:
    model = airborne(DroneModelConfig(battery_drain_pct_per_min=6.0))
    start = model.battery
    run(model, 10.0)
    assert start - model.battery == pytest.approx(1.0, rel=1e-3)
