"""Shared by the bridge tests: a loopback emulator on free ports with the light kinematic body, and a bridge config."""

from dataclasses import replace

import pytest

from drone_ssl.airframe import DroneModelConfig
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, Faults, KinematicBody, Timing

FAST_MODEL = DroneModelConfig(takeoff_altitude_m=0.5)


@pytest.fixture
def emulator():
    emu = ARDroneEmulator(
        KinematicBody(FAST_MODEL),
        EmulatorPorts.ephemeral(),
        Faults(),
        FAST_MODEL,
        Timing(link_lost_s=0.6, demo_hz=60.0),
        4.0,
    )
    with emu:
        yield emu


def bridge_for(emu: ARDroneEmulator, **overrides) -> BridgeConfig:
    """Quick timeouts so that every safety path resolves in about a second."""
    p = emu.ports
    base = BridgeConfig(
        host=p.host,
        at_port=p.at,
        navdata_port=p.navdata,
        config_port=p.config,
        navdata_hover_s=0.2,
        navdata_lost_s=0.6,
        connect_timeout_s=3.0,
    )
    return replace(base, **overrides)
