"""A drone that stops flying by itself ends the flight against the emulator: a spoofed motor cut, the cut cleared
later (it must stay on the ground), a landing the bridge did not command; no take-off is ever sent again."""

import socket
import time

import pytest
from bridge_fixtures import FAST_MODEL, bridge_for

from drone_ssl.errors import DroneDownError
from drone_ssl.types import Command
from drone_ssl_bridge.ardrone2.drone import ARDrone2
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState

LANDED = ControlState.LANDED
TICK_SLACK_S = 0.2  # a datagram already on its way when the cut was seen


def record_commands(emulator) -> list[tuple[float, at.AtCommand]]:
    """Every AT command the emulator's state machine accepts, with its arrival time (the emulator's clock)."""
    seen: list[tuple[float, at.AtCommand]] = []
    original = emulator.machine.on_command

    def recording(now, command):
        seen.append((now, command))
        original(now, command)

    emulator.machine.on_command = recording
    return seen


def spoof_emergency_toggle(emulator) -> float:
    """What a second client (or the firmware after a crash) does: one REF with the emergency bit; sequence 1
    restarts the count, so the bridge's own next commands are still accepted. Returns the send time."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sent = time.monotonic()
        sock.sendto(at.ref(1, takeoff=False, emergency=True).encode(), ("127.0.0.1", emulator.ports.at))
    return sent


def takeoffs_and_moves_after(seen, since: float) -> list[str]:
    """The REF take-off bits, moving PCMDs and emergency toggles of the bridge (the spoofs use sequence 1) that
    arrived after `since`: what a drone that is down must not get; nobody but a person clears an emergency."""
    wrong = []
    for t, command in seen:
        if t <= since:
            continue
        if command.name == "REF" and at.decode_ref(command).takeoff:
            wrong.append(f"REF takeoff at +{t - since:.2f} s")
        elif command.name == "REF" and at.decode_ref(command).emergency and command.seq != 1:
            wrong.append(f"REF emergency toggle at +{t - since:.2f} s")
        elif command.name == "PCMD" and not at.decode_pcmd(command).hover:
            wrong.append(f"PCMD move at +{t - since:.2f} s")
    return wrong


def fly_forward(emulator, drone) -> None:
    drone.takeoff()
    drone.send(Command(pitch=-0.3))
    assert emulator.wait_until(lambda m: m.control is ControlState.FLYING, 2.0)


def test_a_motor_cut_mid_flight_ends_the_flight_and_stops_the_commands(emulator):
    seen = record_commands(emulator)
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        fly_forward(emulator, drone)
        cut = spoof_emergency_toggle(emulator)
        assert emulator.wait_until(lambda m: m.emergency, 1.0)
        deadline = time.monotonic() + 1.0
        while drone.fault is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert isinstance(drone.fault, DroneDownError) and "emergency" in drone.fault.reason
        with pytest.raises(DroneDownError, match="emergency"):
            drone.send(Command(pitch=-0.3))  # the pilot's next command ends its flight
        time.sleep(0.5)
        with pytest.raises(DroneDownError):
            drone.takeoff()  # never again on this link
    assert emulator.machine.control is LANDED
    assert takeoffs_and_moves_after(seen, cut + TICK_SLACK_S) == []


def test_a_cleared_emergency_leaves_the_drone_on_the_ground(emulator):
    """The firmware takes off again on the take-off bit once its emergency is cleared: the bridge must have stopped
    asking. The link stays open all along, as if the pilot had not noticed."""
    seen = record_commands(emulator)
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        fly_forward(emulator, drone)
        cut = spoof_emergency_toggle(emulator)
        assert emulator.wait_until(lambda m: m.emergency and m.control is LANDED, 2.0)
        time.sleep(1.5)  # the drone lies cut on the floor for a while
        spoof_emergency_toggle(emulator)  # someone clears it
        assert emulator.wait_until(lambda m: not m.emergency, 1.0)
        stayed = not emulator.wait_until(lambda m: m.control is not LANDED, 1.5)
        assert stayed, f"the drone took off again by itself ({emulator.machine.control.name})"
    assert emulator.machine.control is LANDED
    assert takeoffs_and_moves_after(seen, cut + TICK_SLACK_S) == []


def test_a_landing_the_bridge_did_not_command_ends_the_flight(emulator):
    """The drone's own critical-battery landing (the emulator's firmware rule), under the bridge's battery limit."""
    with ARDrone2(bridge_for(emulator, min_battery_pct=0.0), FAST_MODEL) as drone:
        fly_forward(emulator, drone)
        emulator.faults.battery_drain_pct_per_s = 60.0
        deadline = time.monotonic() + 5.0
        while drone.fault is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert emulator.machine.control in (ControlState.LANDING, LANDED)  # it landed by itself
        # The light body lands within a frame or two: navdata may show the landing or already the floor.
        assert isinstance(drone.fault, DroneDownError), drone.fault
        assert "landing without being asked" in drone.fault.reason or "no longer flying" in drone.fault.reason
        with pytest.raises(DroneDownError):
            drone.send(Command(pitch=-0.3))
    assert emulator.wait_until(lambda m: m.control is LANDED, 5.0)


def test_a_requested_landing_is_not_a_fault(emulator):
    with ARDrone2(bridge_for(emulator), FAST_MODEL) as drone:
        fly_forward(emulator, drone)
        drone.land()
        time.sleep(0.2)
        assert drone.fault is None and emulator.machine.control is LANDED
