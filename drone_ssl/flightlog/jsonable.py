"""Turn readings, dataclasses and dicts into strict JSON values (no NaN) and numbers back into arrays."""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def finite_or_none(value: float | None) -> float | None:
    """A finite float, or None for None, NaN and ±inf (strict JSON has no NaN, Foxglove rejects it)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def float_list(values: np.ndarray | Sequence[float]) -> list[float | None]:
    """A 1-D float array as a JSON list; unknown (non-finite) entries become null."""
    array = np.asarray(values, dtype=np.float64).ravel()
    return [float(v) if math.isfinite(v) else None for v in array.tolist()]


def float_array(values: Sequence[float | None] | None) -> np.ndarray | None:
    """The inverse of `float_list`: float32, null back to NaN; None stays None."""
    if values is None:
        return None
    return np.array([np.nan if v is None else v for v in values], dtype=np.float32)


def to_jsonable(value: Any) -> Any:
    """Any logged payload as plain JSON: dataclasses through `asdict`, arrays as lists, NaN as null, enums by
    value when it is a string (a `str` enum such as the arbiter's phase) and by name otherwise.

    Unknown objects are logged as their `str` rather than failing: a log call must never bring down a flight.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, enum.Enum):
        return value.value if isinstance(value.value, str) else value.name
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return finite_or_none(value)
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return str(value)


def record_payload(value: Any) -> dict:
    """Any free-form event, metrics or ground-truth value as a JSON object (a bare value goes under "value")."""
    payload = to_jsonable(value)
    return payload if isinstance(payload, dict) else {"value": payload}
