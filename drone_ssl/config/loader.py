"""Build typed config dataclasses from YAML mappings, checking every key and value."""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from drone_ssl.errors import ConfigError

T = TypeVar("T")
MAX_CONFIG_BYTES = 1024 * 1024  # read at most this much (and a byte to tell): /dev/zero never fills the memory
MAX_SEED = 2**32 - 1  # what numpy, torch and PyBullet all take as a seed
# The backstop for a number whose field names no bound of its own (every shipped field does, see the tests):
# within what a C int takes, where OpenCV, PyBullet and torch's samplers end up.
MAX_INT = 2**31 - 1
MAX_FLOAT = 1e12


class _ConfigLoader(yaml.SafeLoader):
    """PyYAML's safe loader that also reads `1e9`, `1E-3` and `+2e5` as numbers, as YAML 1.2 does (YAML 1.1
    needs a '.' and a signed exponent, so `1e9` was text); `.inf` and `.nan` stay numbers, refused where a
    finite number is needed."""


_ConfigLoader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_ConfigLoader.add_implicit_resolver(  # after the shipped resolvers: what they read stays as it was
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)$"),
    list("-+0123456789."),
)


def load_yaml_text(text: str) -> Any:
    """YAML as the config loader reads it (safe, and every float form a number)."""
    return yaml.load(text, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass


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
        with open(p, "rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)  # bounded: /dev/zero or a stream would read until memory runs out
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(str(p), f"larger than {MAX_CONFIG_BYTES} bytes (1 MiB), the most a config file may hold")
        text = raw.decode("utf-8")
    except OSError as exc:
        raise ConfigError(str(p), f"cannot read the file ({exc.strerror}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(str(p), f"not UTF-8 text (byte {exc.start}); save it as UTF-8 YAML") from exc
    try:
        data = load_yaml_text(text)
    except ValueError as exc:  # PyYAML's int() of a number past Python's 4300-digit limit
        raise ConfigError(str(p), f"a number is too long to read ({exc}); shorten it") from exc
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
        value = load_yaml_text(raw) if raw.strip() else ""
    except (yaml.YAMLError, RecursionError, ValueError) as exc:  # ValueError: a number past 4300 digits
        raise ConfigError(key, f"cannot parse the value {_shown(raw)} as YAML") from exc
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
            raise ConfigError(key, f"expected a list, got {_shown(value)}")
        items = [_convert(item_hint, v, f"{key}[{i}]", meta) for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    converted = _scalar(hint, value, key)
    _check(converted, key, meta)
    return converted


def _scalar(hint: Any, value: Any, key: str) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(key, f"expected true or false, got {_shown(value)}")
        return value
    if hint is int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 1e3, 1.0e+3: a whole number written in a float form
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(key, f"expected an integer, got {_shown(value)}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(key, f"expected a finite number, got {_shown(value)}")
        try:
            number = float(value)
        except OverflowError:  # an int past 1.8e308
            number = math.inf
        if not math.isfinite(number):
            raise ConfigError(key, f"expected a finite number, got {_shown(value)}")
        return number
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(key, f"expected a string, got {_shown(value)}")
        return value
    return value


def _check(value: Any, key: str, meta: typing.Mapping[str, Any]) -> None:
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(key, f"{_shown(value)} is not allowed; allowed values: {', '.join(map(str, choices))}")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    limit = MAX_INT if isinstance(value, int) else MAX_FLOAT
    lo, hi = meta.get("lo"), meta.get("hi")
    lo = -limit if lo is None else lo
    hi = limit if hi is None else hi
    if not lo <= value <= hi:
        raise ConfigError(key, f"{_shown(value)} is out of range; allowed: {lo} .. {hi}")


def _shown(value: Any) -> str:
    """A value for an error line: its repr, cut short (a 4000-digit number must not flood the terminal)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"


def to_dict(obj: Any) -> Any:
    """A plain, YAML-safe mapping of a config dataclass (tuples become lists)."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    return obj
