"""The JSON schemas of the project's own channels (Foxglove's types come from foxglove-sdk), every field plottable."""

from __future__ import annotations

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_PROFILE = {
    "type": ["array", "null"],
    "items": _NUMBER_OR_NULL,
    "description": "nearest distance (m) per vertical image band, left to right; null where unknown",
}
_VEC3 = {"type": "array", "items": _NUMBER_OR_NULL, "minItems": 3, "maxItems": 3}

STEREO_READING = {
    "title": "drone_ssl.StereoReading",
    "description": "The stereo cue of one frame: the self-supervised distance label and how much to trust it",
    "type": "object",
    "properties": {
        "distance_m": {**_NUMBER_OR_NULL, "description": "robust nearest obstacle ahead; null: no label"},
        "valid_fraction": {"type": "number", "description": "share of valid disparities in the central region"},
        "available": {"type": "boolean", "description": "false while the stereo cue is down"},
        "profile_m": _PROFILE,
    },
    "required": ["distance_m", "valid_fraction", "available"],
}

MONO_READING = {
    "title": "drone_ssl.MonoReading",
    "description": "The monocular estimate of one frame, from the left image alone",
    "type": "object",
    "properties": {
        "distance_m": {**_NUMBER_OR_NULL, "description": "nearest obstacle ahead; null: no estimate"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "profile_m": _PROFILE,
    },
    "required": ["distance_m", "confidence"],
}

COMMAND = {
    "title": "drone_ssl.Command",
    "description": "Normalised flight command, AR.Drone 2.0 PCMD semantics, each in [-1, 1]",
    "type": "object",
    "properties": {
        "roll": {"type": "number", "description": "+ = move right"},
        "pitch": {"type": "number", "description": "- = move forward"},
        "gaz": {"type": "number", "description": "+ = climb"},
        "yaw": {"type": "number", "description": "+ = turn clockwise"},
    },
    "required": ["roll", "pitch", "gaz", "yaw"],
}

DRONE_STATE = {
    "title": "drone_ssl.DroneState",
    "description": "What the drone knows about itself (navdata)",
    "type": "object",
    "properties": {
        "position": {**_VEC3, "type": ["array", "null"], "description": "world frame (m); null without positioning"},
        "velocity": {**_VEC3, "description": "m/s in the heading frame: forward, right, up"},
        "attitude": {**_VEC3, "description": "roll, pitch, yaw (rad)"},
        "altitude": {"type": ["number", "null"], "description": "metres above the floor"},
        "battery": {"type": ["number", "null"], "description": "percent"},
        "flying": {"type": "boolean"},
        "link_ok": {"type": "boolean"},
        "emergency": {"type": "boolean", "description": "motors cut by the drone's emergency state"},
        "landing": {"type": "boolean", "description": "in the drone's own landing manoeuvre"},
    },
    "required": ["velocity", "attitude", "altitude", "battery", "flying", "link_ok"],
}

ARBITER_PHASE = {
    "title": "drone_ssl.ArbiterPhase",
    "description": "Which cue flies this frame (STEREO, MONO with stereo training wheels, MONO_ONLY) and why",
    "type": "object",
    "properties": {"phase": {"type": "string"}},
    "additionalProperties": True,
}


def record(title: str, description: str) -> dict:
    """A free-form JSON object channel (events, metrics, ground truth): every field plottable by its path."""
    return {"title": title, "description": description, "type": "object", "additionalProperties": True}
