"""The arbiter's `Decision` of a logged frame, rebuilt from its phase record (None when the phase is unknown)."""

from __future__ import annotations

import math
from typing import Any

from drone_ssl.arbiter import Decision, Phase
from drone_ssl.arbiter.events import OverrideEvent, PhaseSwitch


def _phase(name: Any) -> Phase | None:
    try:
        return Phase(str(name).lower())
    except ValueError:
        return None


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else math.nan


def _override(data: Any, t: float) -> OverrideEvent | None:
    if not isinstance(data, dict):
        return None
    mono = data.get("mono_distance_m")
    return OverrideEvent(
        t=_number(data.get("t", t)),
        stereo_distance_m=_number(data.get("stereo_distance_m")),
        mono_distance_m=None if mono is None else _number(mono),
        mono_threshold_m=_number(data.get("mono_threshold_m")),
        counter=_number(data.get("counter")),
    )


def _switch(data: Any, t: float) -> PhaseSwitch | None:
    if not isinstance(data, dict):
        return None
    previous, phase = _phase(data.get("previous")), _phase(data.get("phase"))
    if previous is None or phase is None:
        return None
    return PhaseSwitch(_number(data.get("t", t)), previous, phase, str(data.get("reason", "")))


def logged_decision(record: dict | None, t: float) -> Decision | None:
    """The decision a frame's phase record describes; None when it names no known phase."""
    if not record:
        return None
    phase = _phase(record.get("phase"))
    if phase is None:
        return None
    distance = record.get("distance_m")
    return Decision(
        t=t,
        phase=phase,
        cue=record.get("cue"),
        obstacle=bool(record.get("obstacle", False)),
        distance_m=None if distance is None else _number(distance),
        profile_m=None,
        threshold_m=_number(record.get("threshold_m")),
        override=bool(record.get("override", False)),
        override_event=_override(record.get("override_event"), t),
        switch=_switch(record.get("switch"), t),
        wheels_counter=_number(record.get("wheels_counter", 0.0)),
    )
