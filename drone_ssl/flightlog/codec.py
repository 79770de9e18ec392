"""A logged type written once: a dataclass's JSON payload, its reading back and its JSON schema, from its fields.

The field list, the types and the descriptions (`Annotated[float, "metres above the floor"]`) live in the dataclass
alone; the writer, the reader and the schema a log carries are derived from it, so they cannot drift apart.
Non-finite numbers are logged as null (strict JSON, which Foxglove needs) and read back as NaN, or None where the
field may be None. A missing field reads as its default; a field without one is a `FlightLogError`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import math
import types
import typing
from typing import Any, TypeVar

import numpy as np

from drone_ssl.flightlog.errors import FlightLogError
from drone_ssl.flightlog.jsonable import finite_or_none, float_array, float_list

T = TypeVar("T")
_NUMBER_OR_NULL: dict = {"type": ["number", "null"]}


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    kind: Any  # the field's type, without None and without its description
    optional: bool  # None is a value of the field
    description: str | None
    required: bool  # no default: a payload without it is not this type


@functools.cache
def _fields(cls: type, skip: tuple[str, ...] = ()) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls, include_extras=True)
    out = []
    for f in dataclasses.fields(cls):
        if f.name in skip or not f.init:
            continue
        kind, description = hints[f.name], None
        if typing.get_origin(kind) is typing.Annotated:
            kind, description = kind.__origin__, next((m for m in kind.__metadata__ if isinstance(m, str)), None)
        members = (
            typing.get_args(kind)
            if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union
            else ()
        )
        optional = type(None) in members
        if members:
            rest = [m for m in members if m is not type(None)]
            kind = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append(_Field(f.name, kind, optional, description, required))
    return tuple(out)


def to_payload(value: Any, cls: type | None = None, skip: tuple[str, ...] = ()) -> dict:
    """The JSON object of `value` as the dataclass `cls` (default: its own type) defines it; fields in `skip`
    are left out (logged on channels of their own). `value` may be any object with those attributes."""
    cls = type(value) if cls is None else cls
    return {f.name: _encode(getattr(value, f.name), f.kind) for f in _fields(cls, skip)}


def from_payload(cls: type[T], payload: Any, skip: tuple[str, ...] = ()) -> T:
    """The `cls` a payload of `to_payload` describes; FlightLogError when it is not one."""
    if not isinstance(payload, dict):
        raise FlightLogError(f"a {cls.__name__} payload must be a JSON object, got {type(payload).__name__}")
    values = {}
    for f in _fields(cls, skip):
        if f.name not in payload:
            if f.required:
                raise FlightLogError(f"a {cls.__name__} payload lacks {f.name!r}")
            continue
        values[f.name] = _decode(payload[f.name], f, cls)
    return cls(**values)


def schema_of(cls: type, title: str | None = None, skip: tuple[str, ...] = ()) -> dict:
    """The JSON schema of `to_payload(..., cls, skip)`: every field with its type and description."""
    doc = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ").strip()
    properties = {}
    for f in _fields(cls, skip):
        schema = _schema(f.kind)
        if f.optional and schema.get("type") != ["number", "null"]:
            schema = (
                {**schema, "type": [schema["type"], "null"]}
                if "type" in schema
                else {"anyOf": [schema, {"type": "null"}]}
            )
        properties[f.name] = schema if f.description is None else {**schema, "description": f.description}
    return {
        "title": title or f"drone_ssl.{cls.__name__}",
        "description": doc,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in _fields(cls, skip) if f.required],
    }


def _encode(value: Any, kind: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(kind):
        return to_payload(value, kind)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value).value
    if kind is bool:
        return bool(value)
    if kind is int:
        return int(value)
    if kind is float:
        return finite_or_none(value)
    if kind is str:
        return str(value)
    if kind is np.ndarray or typing.get_origin(kind) is tuple:
        return float_list(value)
    raise TypeError(f"no JSON form for a field of type {kind!r}")


def _decode(value: Any, f: _Field, cls: type) -> Any:
    kind = f.kind
    if value is None:
        if f.optional:
            return None
        if kind is float:
            return math.nan
        if typing.get_origin(kind) is tuple:
            return tuple(math.nan for _ in typing.get_args(kind))
        raise FlightLogError(f"{cls.__name__}.{f.name} is null in the log, which it cannot be")
    try:
        if dataclasses.is_dataclass(kind):
            return from_payload(kind, value)
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind(value)
        if kind in (bool, int, float, str) and not isinstance(value, (bool, int, float, str)):
            raise TypeError(type(value).__name__)
        if kind is bool:
            return bool(value)
        if kind in (int, float):
            return kind(value)
        if kind is str:
            return str(value)
        if kind is np.ndarray:
            return float_array(value)
        if typing.get_origin(kind) is tuple:  # a vector of a state: float64, as the drone reported it
            numbers = tuple(math.nan if v is None else float(v) for v in value)
            if len(numbers) != len(typing.get_args(kind)):
                raise ValueError(f"{len(numbers)} numbers where {len(typing.get_args(kind))} belong")
            return numbers
    except (TypeError, ValueError) as e:
        raise FlightLogError(f"{cls.__name__}.{f.name} in the log is not a {_name(kind)} ({e})") from e
    raise TypeError(f"no JSON form for a field of type {kind!r}")


def _schema(kind: Any) -> dict:
    if dataclasses.is_dataclass(kind):
        return schema_of(kind)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return {"type": "string", "enum": [m.value for m in kind]}
    if kind is bool:
        return {"type": "boolean"}
    if kind is int:
        return {"type": "integer"}
    if kind is float:
        return dict(_NUMBER_OR_NULL)
    if kind is str:
        return {"type": "string"}
    if kind is np.ndarray:
        return {"type": "array", "items": _NUMBER_OR_NULL}
    if typing.get_origin(kind) is tuple:
        n = len(typing.get_args(kind))
        return {"type": "array", "items": _NUMBER_OR_NULL, "minItems": n, "maxItems": n}
    raise TypeError(f"no JSON schema for a field of type {kind!r}")


def _name(kind: Any) -> str:
    return getattr(kind, "__name__", str(kind))
