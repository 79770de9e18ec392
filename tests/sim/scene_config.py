"""Configs for the room and rig tests: the simulator's defaults plus key=value overrides, without a user file."""

from __future__ import annotations

from drone_ssl_sim.config import SimFlightConfig, load_sim_config


def make_config(*overrides: str) -> SimFlightConfig:
    """The simulator's default config with 'section.key=value' overrides."""
    return load_sim_config(overrides=overrides)
