"""ARDrone2 against the loopback emulator: connect (bootstrap -> demo), fly, config read-back, emergency."""

import pytest
from bridge_fixtures import FAST_MODEL, bridge_for

from drone_ssl.errors import DroneError
from drone_ssl.types import Command
from drone_ssl_bridge.ardrone2.drone import ARDrone2
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState
from drone_ssl_emulator import NavdataMode

LANDED = ControlState.LANDED


def landed(emu) -> bool:
    return emu.wait_until(lambda m: m.control is LANDED and not m.airborne, timeout=5.0)


def test_connect_leaves_bootstrap_and_sets_the_limits(emulator):
    with ARDrone2(bridge_for(emulator, max_altitude_m=1.7), FAST_MODEL) as drone:
        assert emulator.machine.mode is NavdataMode.DEMO
        assert emulator.machine.config["control:altitude_max"] == "1700"
        state = drone.state()
        assert not state.flying and state.battery == pytest.approx(100.0) and state.link_ok
        config = drone.read_config()
        assert config["general:navdata_demo"] == "TRUE" and config["control:control_vz_max"] == "700"


def test_takeoff_fly_and_land(emulator):
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        drone.takeoff()
        assert drone.state().flying and drone.state().altitude == pytest.approx(0.5, abs=0.1)
        drone.send(Command(pitch=-0.5))
        assert emulator.wait_until(lambda m: m.control is ControlState.FLYING, 2.0)
        assert emulator.wait_until(lambda m: m.body_state.velocity[0] > 0.5, 2.0)  # world +x is forward at yaw 0
        drone.land()
        assert emulator.machine.control is LANDED
    assert emulator.machine.commands_received > 20


def test_context_exit_lands(emulator):
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        drone.takeoff()
        assert emulator.machine.airborne
    assert landed(emulator)


def test_emergency_cuts_and_reset_allows_takeoff(emulator):
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        drone.takeoff()
        drone.emergency()
        assert emulator.machine.emergency and emulator.wait_until(lambda m: m.control is LANDED, 2.0)
        with pytest.raises(DroneError, match="emergency"):
            drone.takeoff()
        drone.reset_emergency()
        assert not emulator.machine.emergency
        drone.takeoff()
        assert emulator.machine.airborne
    assert landed(emulator)


def test_no_drone_is_a_typed_error_quickly(emulator):
    config = bridge_for(emulator, navdata_port=emulator.ports.at, connect_timeout_s=0.3)  # nothing answers there
    with pytest.raises(DroneError, match="no navdata"), ARDrone2(config, FAST_MODEL):
        pass
