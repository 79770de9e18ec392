"""Configuration: shipped YAML defaults, a user file and key=value overrides, into typed dataclasses."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import yaml

from drone_ssl.config.loader import build, merge, parse_override, read_yaml, to_dict
from drone_ssl.config.schema import (
    CameraConfig,
    Config,
    DroneModelConfig,
    SimConfig,
)

__all__ = [
    "CameraConfig",
    "Config",
    "DroneModelConfig",
    "SimConfig",
    "default_yaml",
    "dump_config",
    "load_config",
    "to_dict",
]


def default_yaml() -> dict:
    """The defaults shipped inside the package."""
    text = resources.files("drone_ssl").joinpath("configs/default.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_config(path: str | Path | None = None, overrides: Iterable[str] = ()) -> Config:
    """Defaults, then the user's YAML file, then each 'a.b.c=value' override; raises ConfigError."""
    data = default_yaml()
    if path is not None:
        data = merge(data, read_yaml(path))
    for text in overrides:
        data = merge(data, parse_override(text))
    return build(Config, data)


def dump_config(config: Config) -> str:
    """The config as YAML text, e.g. to keep beside a run's results."""
    return yaml.safe_dump(to_dict(config), sort_keys=False)
