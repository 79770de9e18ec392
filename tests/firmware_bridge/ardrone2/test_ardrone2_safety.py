"""Every safety path of ARDrone2 ends landed against the emulator: navdata silence, packet loss, low battery,
altitude and flight-time limits, Ctrl-C, an exception in the pilot and one inside the command loop."""

import signal
import time

import pytest
from bridge_fixtures import FAST_MODEL, bridge_for

from drone_ssl.errors import DroneError, LinkLostError
from drone_ssl.types import Command
from drone_ssl_bridge.ardrone2.command_loop import CommandLoop
from drone_ssl_bridge.ardrone2.drone import ARDrone2
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState
from drone_ssl_bridge.errors import SafetyLandingError

LANDED = ControlState.LANDED


def landed(emu) -> bool:
    return emu.wait_until(lambda m: m.control is LANDED and not m.airborne, timeout=5.0)


def test_navdata_silence_hovers_then_lands_and_raises(emulator):
    with ARDrone2(bridge_for(emulator, navdata_hover_s=0.3, navdata_lost_s=1.0), FAST_MODEL) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-0.5))
        assert emulator.wait_until(lambda m: m.control is ControlState.FLYING, 2.0)
        emulator.faults.navdata_silent = True
        assert emulator.wait_until(lambda m: m.control is ControlState.HOVERING, 1.0)  # hover before giving up
        assert emulator.wait_until(lambda m: m.control in (ControlState.LANDING, LANDED), 2.0)
        with pytest.raises(LinkLostError):
            drone.send(Command(pitch=-0.5))
    assert landed(emulator)


def test_link_lost_landing_is_reported_once_though_landed_twice(emulator, caplog):
    """The pilot lands, then the context manager lands again: one 'no landing confirmed' line, not two."""
    with ARDrone2(bridge_for(emulator, navdata_hover_s=0.3, navdata_lost_s=0.6), FAST_MODEL) as drone:
        drone.takeoff()
        emulator.faults.navdata_silent = True
        assert emulator.wait_until(lambda m: m.control in (ControlState.LANDING, LANDED), 3.0)
        time.sleep(0.3)
        drone.land()
    reports = [r for r in caplog.records if "no landing confirmed" in r.getMessage()]
    assert len(reports) == 1 and "link lost" in reports[0].getMessage()


def test_total_packet_loss_lands_on_both_sides(emulator):
    drone = ARDrone2(bridge_for(emulator), FAST_MODEL)
    with pytest.raises(LinkLostError), drone:
        drone.takeoff()
        emulator.faults.loss_pct = 100.0
        assert emulator.wait_until(lambda m: m.link_lost, 3.0)  # the drone's own 2 s rule (0.6 s here)
        drone.send(Command(pitch=-0.3))  # raises once the bridge notices the silence
        time.sleep(1.0)
        drone.send(Command(pitch=-0.3))
    assert landed(emulator)


def test_moderate_loss_and_jitter_still_fly(emulator):
    emulator.faults.loss_pct = 20.0
    emulator.faults.jitter_s = 0.05
    emulator.faults.corrupt_pct = 10.0
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        drone.takeoff()
        for _ in range(10):
            drone.send(Command(yaw=0.5))
            time.sleep(0.03)
        assert drone.fault is None
    assert landed(emulator)
    assert emulator.navdata_channel.corrupted > 0


def test_low_battery_lands_and_refuses_takeoff(emulator):
    with (
        pytest.raises(SafetyLandingError, match="battery"),
        ARDrone2(bridge_for(emulator, min_battery_pct=60.0), FAST_MODEL) as drone,
    ):
        drone.takeoff()
        emulator.faults.battery_drain_pct_per_s = 40.0
        for _ in range(100):
            drone.send(Command(yaw=0.2))
            time.sleep(0.05)
    assert landed(emulator)
    with (
        ARDrone2(bridge_for(emulator, min_battery_pct=60.0), FAST_MODEL) as drone,
        pytest.raises(DroneError, match="battery"),
    ):
        drone.takeoff()


def test_altitude_limit_stops_climbing(emulator):
    with ARDrone2(bridge_for(emulator, max_altitude_m=0.7), FAST_MODEL) as drone:
        drone.takeoff()
        for _ in range(40):
            drone.send(Command(gaz=1.0))
            time.sleep(0.03)
        assert emulator.machine.body_state.altitude <= 0.7 + 0.1
    assert landed(emulator)


def test_altitude_far_over_the_limit_lands(emulator):
    with (
        pytest.raises(SafetyLandingError, match="altitude"),
        ARDrone2(bridge_for(emulator, max_altitude_m=0.3, altitude_margin_m=0.1), FAST_MODEL) as drone,
    ):
        drone.takeoff()  # climbs to 0.5 m, over 0.3 + 0.1
        time.sleep(0.5)
        drone.send(Command.hover())
    assert landed(emulator)


def test_flight_time_limit_lands(emulator):
    with (
        pytest.raises(SafetyLandingError, match="flight time"),
        ARDrone2(bridge_for(emulator, max_flight_s=1.0), FAST_MODEL) as drone,
    ):
        drone.takeoff()
        for _ in range(100):
            drone.send(Command(yaw=0.1))
            time.sleep(0.03)
    assert landed(emulator)


def test_ctrl_c_lands(emulator):
    with pytest.raises(KeyboardInterrupt), ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        drone.takeoff()
        signal.raise_signal(signal.SIGINT)
    assert landed(emulator)


def test_exception_in_the_pilot_lands(emulator):
    with pytest.raises(RuntimeError), ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        drone.takeoff()
        raise RuntimeError("a bug in the stack")
    assert landed(emulator)


def test_exception_inside_the_command_loop_lands(emulator, monkeypatch):
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        drone.takeoff()
        original, calls = CommandLoop.tick, []

        def failing_once(self, now):
            calls.append(now)
            if len(calls) == 1:
                raise OSError("simulated failure")
            return original(self, now)

        monkeypatch.setattr(CommandLoop, "tick", failing_once)
        assert emulator.wait_until(lambda m: m.control in (ControlState.LANDING, LANDED), 2.0)
        with pytest.raises(DroneError, match="command loop failed"):
            drone.send(Command(pitch=-0.2))
    assert landed(emulator)
