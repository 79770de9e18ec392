"""Build typed config dataclasses from YAML mappings, checking every key and value."""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from drone_ssl.errors import ConfigError

T = TypeVar("T")
MAX_CONFIG_BYTES = 1024 * 1024


def spec(default: Any, *, choices: tuple | None = None, lo: float | None = None, hi: float | None = None) -> Any:
    """A dataclass field with a default and the constraints the loader enforces."""
    meta = {"choices": choices, "lo": lo, "hi": hi}
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def section(cls: type[T]) -> Any:
    """A nested dataclass field whose default is the section's own defaults."""
    return dataclasses.field(default_factory=cls)


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping safely; a missing, unreadable or malformed file is a ConfigError."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(str(p), f"the file is larger than {MAX_CONFIG_BYTES // 1024} KiB; is it a config?")
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read the file ({exc.strerror}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(p), f"not UTF-8 text (byte {exc.start}); save it as UTF-8 YAML") from exc
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(str(p), f"not valid YAML{where}; fix the syntax") from exc
    if data is None:  # empty, or comments only: flying on the defaults would hide a truncated file
        raise ConfigError(str(p), "the file holds no settings (empty or truncated?); give settings or drop it")
    if not isinstance(data, dict):
        raise ConfigError(str(p), "the file must hold a mapping of sections (e.g. 'sim: {...}')")
    return data


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge `update` into a copy of `base` (mappings merge, everything else replaces)."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_override(text: str) -> dict[str, Any]:
    """Turn 'sim.obstacles.count=5' into {'sim': {'obstacles': {'count': 5}}}; the value is YAML."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ConfigError(text, "an override must look like section.key=value (e.g. sim.obstacles.count=5)")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError as exc:
        raise ConfigError(key, f"cannot parse the value {raw!r} as YAML") from exc
    for part in reversed(key.split(".")):
        value = {part: value}
    return value


def build(cls: type[T], data: Any, prefix: str = "") -> T:
    """Instantiate dataclass `cls` from a mapping, rejecting unknown keys and bad values."""
    if not isinstance(data, dict):
        raise ConfigError(prefix.rstrip(".") or "<root>", f"expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        key = f"{prefix}{unknown[0]}"
        raise ConfigError(key, f"unknown key; allowed here: {', '.join(sorted(fields))}")
    kwargs = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        kwargs[name] = _convert(hints[name], value, key, fields[name].metadata)
    try:
        return cls(**kwargs)
    except ConfigError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(prefix.rstrip(".") or "<root>", str(exc)) from exc


def _convert(hint: Any, value: Any, key: str, meta: typing.Mapping[str, Any]) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return build(hint, value, key + ".")
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, key, meta)
    if origin in (list, tuple):
        (item_hint, *_) = typing.get_args(hint) or (Any,)
        if not isinstance(value, (list, tuple)):
            raise ConfigError(key, f"expected a list, got {value!r}")
        items = [_convert(item_hint, v, f"{key}[{i}]", meta) for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    converted = _scalar(hint, value, key)
    _check(converted, key, meta)
    return converted


def _scalar(hint: Any, value: Any, key: str) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(key, f"expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(key, f"expected a finite number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(key, f"expected a string, got {value!r}")
        return value
    return value


def _check(value: Any, key: str, meta: typing.Mapping[str, Any]) -> None:
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(key, f"{value!r} is not allowed; allowed values: {', '.join(map(str, choices))}")
    lo, hi = meta.get("lo"), meta.get("hi")
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if is_number and (lo is not None and value < lo or hi is not None and value > hi):
        lo_s = "-inf" if lo is None else lo
        hi_s = "inf" if hi is None else hi
        raise ConfigError(key, f"{value!r} is out of range; allowed: {lo_s} .. {hi_s}")


def to_dict(obj: Any) -> Any:
    """A plain, YAML-safe mapping of a config dataclass (tuples become lists)."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    return obj
