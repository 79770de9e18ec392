"""The JSON payload of each per-frame channel, from the project's types and back."""

from __future__ import annotations

import enum
import math
from typing import TYPE_CHECKING, Any

from drone_ssl.flightlog.jsonable import finite_or_none, float_array, float_list, to_jsonable
from drone_ssl.flightlog.records import LoggedStereo
from drone_ssl.types import Command, DroneState, Vec3

if TYPE_CHECKING:
    from drone_ssl.mono.reading import MonoReading
    from drone_ssl.stereo.reading import StereoReading


def _vec3(values: list[float | None]) -> Vec3:
    x, y, z = (math.nan if v is None else float(v) for v in values)
    return x, y, z


def _float(value: float | None) -> float:
    return math.nan if value is None else float(value)


def state_payload(state: DroneState) -> dict:
    return {
        "position": None if state.position is None else float_list(state.position),
        "velocity": float_list(state.velocity),
        "attitude": float_list(state.attitude),
        "altitude": finite_or_none(state.altitude),
        "battery": finite_or_none(state.battery),
        "flying": bool(state.flying),
        "link_ok": bool(state.link_ok),
        "emergency": bool(state.emergency),
        "landing": bool(state.landing),
    }


def state_from(payload: dict) -> DroneState:
    position = payload.get("position")
    return DroneState(
        position=None if position is None else _vec3(position),
        velocity=_vec3(payload["velocity"]),
        attitude=_vec3(payload["attitude"]),
        altitude=_float(payload["altitude"]),
        battery=_float(payload["battery"]),
        flying=bool(payload["flying"]),
        link_ok=bool(payload.get("link_ok", True)),
        emergency=bool(payload.get("emergency", False)),  # logs before these fields knew no such state
        landing=bool(payload.get("landing", False)),
    )


def command_payload(command: Command) -> dict:
    return {"roll": command.roll, "pitch": command.pitch, "gaz": command.gaz, "yaw": command.yaw}


def command_from(payload: dict) -> Command:
    return Command(*(float(payload[k]) for k in ("roll", "pitch", "gaz", "yaw")))


def stereo_payload(reading: StereoReading | LoggedStereo) -> dict:
    return {
        "distance_m": finite_or_none(reading.distance_m),
        "valid_fraction": float(reading.valid_fraction),
        "available": bool(reading.available),
        "profile_m": None if reading.profile_m is None else float_list(reading.profile_m),
    }


def stereo_from(payload: dict) -> LoggedStereo:
    return LoggedStereo(
        distance_m=finite_or_none(payload["distance_m"]),
        valid_fraction=float(payload["valid_fraction"]),
        available=bool(payload["available"]),
        profile_m=float_array(payload.get("profile_m")),
    )


def mono_payload(reading: MonoReading) -> dict:
    return {
        "distance_m": finite_or_none(reading.distance_m),
        "confidence": float(reading.confidence),
        "profile_m": None if reading.profile_m is None else float_list(reading.profile_m),
    }


def mono_from(payload: dict) -> MonoReading:
    # Imported here: the drone_ssl.mono package loads torch (seconds), which writing or scanning a log never needs.
    from drone_ssl.mono.reading import MonoReading

    return MonoReading(
        distance_m=finite_or_none(payload["distance_m"]),
        confidence=float(payload["confidence"]),
        profile_m=float_array(payload.get("profile_m")),
    )


def phase_payload(phase: Any) -> dict:
    """An arbiter phase given as a name, an enum, a dict or a dataclass, as {"phase": name, ...}."""
    if isinstance(phase, (str, enum.Enum)):
        return {"phase": to_jsonable(phase)}
    payload = to_jsonable(phase)
    return payload if isinstance(payload, dict) else {"phase": str(payload)}


def record_payload(value: Any) -> dict:
    """Any event, metrics or ground-truth value as a JSON object (a bare value goes under "value")."""
    payload = to_jsonable(value)
    return payload if isinstance(payload, dict) else {"value": payload}
