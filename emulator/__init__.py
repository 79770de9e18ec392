"""A loopback AR.Drone 2.0 emulator: the real protocol on 127.0.0.1, its body the simulator (or a light stand-in)."""

from drone_ssl_emulator.emulator import ARDroneEmulator, EmulatorPorts
from drone_ssl_emulator.faults import Faults
from drone_ssl_emulator.flight_state import FlightStateMachine, NavdataMode, Timing
from drone_ssl_emulator.kinematic_body import KinematicBody

__all__ = ["ARDroneEmulator", "EmulatorPorts", "Faults", "FlightStateMachine", "KinematicBody", "NavdataMode", "Timing"]
