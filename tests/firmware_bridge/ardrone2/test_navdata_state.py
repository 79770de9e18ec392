"""Navdata DEMO fields <-> DroneState units and frames."""

import math

import pytest

from drone_ssl.types import DroneState
from drone_ssl_bridge.ardrone2.navdata_state import to_demo, to_drone_state
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState, DemoData, Navdata, NavState


def test_units_are_converted_to_si():
    demo = DemoData(ControlState.FLYING, 0, 64, 5000.0, -2500.0, 190000.0, 1234, 300.0, -100.0, 50.0)
    state = to_drone_state(Navdata(NavState.FLYING, 1, 0, demo))
    assert state.altitude == pytest.approx(1.234) and state.battery == 64.0 and state.flying
    assert state.velocity == pytest.approx((0.3, -0.1, 0.05))
    roll, pitch, yaw = state.attitude
    assert roll == pytest.approx(math.radians(-2.5)) and pitch == pytest.approx(math.radians(5.0))
    assert yaw == pytest.approx(math.radians(190.0 - 360.0))  # wrapped into [-pi, pi)


def test_bootstrap_has_no_state_and_round_trip_holds():
    assert to_drone_state(Navdata(NavState.NAVDATA_BOOTSTRAP, 1)) is None
    state = DroneState(None, (0.2, -0.3, 0.1), (0.05, -0.1, 1.0), 1.5, 77.0, True)
    back = to_drone_state(Navdata(NavState.FLYING, 1, 0, to_demo(state, ControlState.HOVERING)))
    assert back.velocity == pytest.approx(state.velocity) and back.attitude == pytest.approx(state.attitude)
    assert back.altitude == pytest.approx(1.5) and back.battery == 77.0


def test_the_emergency_bit_and_the_drones_own_landing_reach_the_state():
    def demo(control):
        return DemoData(control, 0, 64, 0.0, 0.0, 0.0, 300, 0.0, 0.0, 0.0)

    cut = to_drone_state(Navdata(NavState.EMERGENCY, 1, 0, demo(ControlState.LANDED)))
    assert cut.emergency and not cut.flying and not cut.landing
    landing = to_drone_state(Navdata(NavState.FLYING, 1, 0, demo(ControlState.LANDING)))
    assert landing.landing and landing.flying and not landing.emergency  # still off the ground
    hovering = to_drone_state(Navdata(NavState.FLYING, 1, 0, demo(ControlState.HOVERING)))
    assert not (hovering.emergency or hovering.landing)
