"""Navdata in the drone's units -> `DroneState` in SI units, and back (the emulator encodes with the inverse)."""

from __future__ import annotations

import math

from drone_ssl.types import DroneState
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState, DemoData, Navdata, NavState

# Off the ground, landing included.
AIRBORNE = frozenset(ControlState) - {ControlState.DEFAULT, ControlState.INIT, ControlState.LANDED, ControlState.TEST}


def _rad(millidegrees: float) -> float:
    return math.radians(millidegrees / 1000.0)


def _wrap(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi


def to_drone_state(nav: Navdata, link_ok: bool = True) -> DroneState | None:
    """The state a DEMO packet describes; None for a bootstrap packet (no DEMO option).

    Frames as our DroneState defines them: velocity in the body frame (forward, right, up) - we read the DEMO
    option's vx, vy, vz as forward, right, up - attitude (roll = phi, pitch = theta, yaw = psi, clockwise +).
    """
    demo = nav.demo
    if demo is None:
        return None
    flying = nav.has(NavState.FLYING) or demo.control_state in AIRBORNE
    return DroneState(
        position=None,
        velocity=(demo.vx_mmps / 1000.0, demo.vy_mmps / 1000.0, demo.vz_mmps / 1000.0),
        attitude=(_rad(demo.phi_mdeg), _rad(demo.theta_mdeg), _wrap(_rad(demo.psi_mdeg))),
        altitude=demo.altitude_mm / 1000.0,
        battery=float(demo.battery_pct),
        flying=flying,
        link_ok=link_ok,
        emergency=nav.has(NavState.EMERGENCY),  # motors cut (a crash, a user's toggle); stays until reset
        landing=demo.control_state is ControlState.LANDING,
    )


def to_demo(state: DroneState, control: ControlState, num_frames: int = 0) -> DemoData:
    """The inverse of to_drone_state for the DEMO fields (velocity taken as already body-frame)."""
    roll, pitch, yaw = state.attitude
    vx, vy, vz = state.velocity
    return DemoData(
        ctrl_major=int(control),
        battery_pct=int(max(0, min(100, round(state.battery)))),
        theta_mdeg=math.degrees(pitch) * 1000.0,
        phi_mdeg=math.degrees(roll) * 1000.0,
        psi_mdeg=math.degrees(_wrap(yaw)) * 1000.0,
        altitude_mm=int(round(max(0.0, state.altitude) * 1000.0)),
        vx_mmps=vx * 1000.0,
        vy_mmps=vy * 1000.0,
        vz_mmps=vz * 1000.0,
        num_frames=num_frames,
    )
