"""Configuration: typed dataclasses built from YAML files and key=value overrides, every key and value checked."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from drone_ssl.config.camera import CameraConfig
from drone_ssl.config.loader import build, merge, parse_override, read_yaml, to_dict
from drone_ssl.config.schema import BrainConfig

T = TypeVar("T")

__all__ = ["BrainConfig", "CameraConfig", "dump_config", "load_sections", "to_dict"]


def load_sections(
    cls: type[T], path: str | Path | None = None, overrides: Iterable[str] = (), defaults: dict[str, Any] | None = None
) -> T:
    """`cls` from its own defaults (or `defaults`), then the user's YAML file, then each 'a.b.c=value'
    override; raises ConfigError naming the key at fault."""
    data = dict(defaults or {})
    if path is not None:
        data = merge(data, read_yaml(path))
    for text in overrides:
        data = merge(data, parse_override(text))
    return build(cls, data)


def dump_config(config: Any) -> str:
    """A config as YAML text, e.g. to keep beside a run's results."""
    return yaml.safe_dump(to_dict(config), sort_keys=False)
