"""ARDrone2 against the loopback emulator: connect (bootstrap -> demo), fly, config read-back, emergency."""

from firmware_bridge.protocol.navdata import ControlState

LANDED = ControlState.LANDED


def landed(emu) -> bool:
    return emu.wait_until(lambda m: m.control is LANDED and not m.airborne, timeout=5.0)
