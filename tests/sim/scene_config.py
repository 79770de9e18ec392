"""Configs for the room and rig tests, built from the dataclass defaults plus key=value overrides."""

from __future__ import annotations

from drone_ssl.config import Config
from drone_ssl.config.loader import build, merge, parse_override


def make_config(*overrides: str) -> Config:
    """The default Config with 'section.key=value' overrides, as load_config would give without a user file."""
    data: dict = {}
    for text in overrides:
        data = merge(data, parse_override(text))
    return build(Config, data)
