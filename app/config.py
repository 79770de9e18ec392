"""The whole configuration: the brain's sections with the simulator's, the airframe's and the bridge's, as one file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.config import BrainConfig, dump_config, load_sections
from drone_ssl.config.loader import load_yaml_text, section
from drone_ssl.errors import ConfigError
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_sim.config import SimConfig

__all__ = ["Config", "default_yaml", "dump_config", "load_config", "real_flight_check"]


@dataclass(frozen=True)
class Config(BrainConfig):
    """Every section a run may read; the YAML keys users write (sim.*, drone.*, bridge.*, camera.*, ...) are these."""

    sim: SimConfig = section(SimConfig)
    drone: DroneModelConfig = section(DroneModelConfig)
    bridge: BridgeConfig = section(BridgeConfig)


def default_yaml() -> dict:
    """The shipped defaults, one documented file (app/configs/default.yaml) that mirrors the dataclasses."""
    text = resources.files(__package__).joinpath("configs/default.yaml").read_text(encoding="utf-8")
    return load_yaml_text(text)


# Keys that moved: the error names where the setting lives now.
MOVED = {"bridge.manoeuvre_timeout_s": "drone.manoeuvre_timeout_s (one timeout for the airframe, on every device)"}


def load_config(path: str | Path | None = None, overrides: Iterable[str] = ()) -> Config:
    """Defaults, then the user's YAML file, then each 'a.b.c=value' override; raises ConfigError."""
    try:
        return load_sections(Config, path, overrides, default_yaml())
    except ConfigError as e:
        if e.key in MOVED:
            raise ConfigError(e.key, f"has moved: set {MOVED[e.key]}") from e
        raise


def real_flight_check(config: Config) -> None:
    """Keys that once set a real flight and no longer do fail here, naming what to write instead: the frame rate
    of a real flight is the bridge's, its seed the run's (--seed); the simulator's keys shape the simulator only."""
    defaults = SimConfig()
    if config.sim.camera_hz != defaults.camera_hz:
        raise ConfigError(
            "sim.camera_hz", "sets the simulator's frame rate only; a real drone flies at bridge.camera_hz: set that"
        )
    if config.sim.seed != defaults.seed:
        raise ConfigError("sim.seed", "seeds the simulator only; seed a real flight with drone-ssl fly --seed N")
