"""The pure decision whether a drone that should be flying still is: emergency, an unasked landing, on the ground."""

from __future__ import annotations

from drone_ssl.errors import DroneDownError
from drone_ssl.types import DroneState


def down_reason(state: DroneState) -> str | None:
    """Why a drone that should be flying is not (None: it flies); only meaningful once its take-off finished."""
    if state.emergency:
        return "the drone reports an emergency (motors cut)"
    if state.landing:
        return f"the drone is landing without being asked to (altitude {state.altitude:.2f} m)"
    if not state.flying:
        return f"the drone is no longer flying (altitude {state.altitude:.2f} m)"
    return None


def check_flying(state: DroneState) -> None:
    """Raise DroneDownError when a drone that should be flying is not; the caller ends the flight."""
    reason = down_reason(state)
    if reason is not None:
        raise DroneDownError(reason)
