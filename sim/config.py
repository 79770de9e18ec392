"""Typed configuration of the simulator: the room, its obstacles, textures and lights, collisions, realism."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.config import BrainConfig, CameraConfig, load_sections
from drone_ssl.config.loader import MAX_SEED, read_yaml, section, spec
from drone_ssl.errors import ConfigError

OBSTACLE_KINDS = ("pole", "box", "panel")
REAL_DRONE_SECTIONS = ("bridge",)  # in a whole config file, read by the real drone only


@dataclass(frozen=True)
class RoomConfig:
    size_m: float = spec(5.0, lo=3.0, hi=20.0)  # side of the square floor
    height_m: float = spec(3.0, lo=1.5, hi=10.0)  # walls and ceiling


@dataclass(frozen=True)
class ObstacleConfig:
    count: int = spec(4, lo=0, hi=40)
    kinds: list[str] = spec(list(OBSTACLE_KINDS), choices=OBSTACLE_KINDS)
    min_gap_m: float = spec(0.9, lo=0.3, hi=5.0)  # free passage kept between obstacles and to the walls
    start_clearance_m: float = spec(1.2, lo=0.3, hi=5.0)  # radius around the start pose kept free

    def __post_init__(self) -> None:
        if not self.kinds:
            raise ConfigError("sim.obstacles.kinds", f"needs at least one of: {', '.join(OBSTACLE_KINDS)}")


@dataclass(frozen=True)
class TextureConfig:
    mode: str = spec("rich", choices=("rich", "plain"))  # plain = texture-less, stereo fails on purpose
    size_px: int = spec(512, lo=64, hi=2048)  # side of each generated texture image
    px_per_m: float = spec(96.0, lo=8.0, hi=1024.0)  # texture density on surfaces
    randomise: bool = spec(True)  # new textures on every episode (reset); else fixed by sim.seed
    pool: int = spec(0, lo=0, hi=1024)  # > 0: pick from this many textures made once: fast resets, other rooms


@dataclass(frozen=True)
class LightingConfig:
    randomise: bool = spec(True)
    ambient: float = spec(0.6, lo=0.0, hi=1.0)
    diffuse: float = spec(0.35, lo=0.0, hi=1.0)


@dataclass(frozen=True)
class CollisionConfig:
    response: str = spec("stop", choices=("stop", "bounce"))
    restitution: float = spec(0.3, lo=0.0, hi=1.0)  # share of the normal speed kept on a bounce
    continue_flight: bool = spec(True)  # False: the episode ends at the first collision


@dataclass(frozen=True)
class RealismConfig:
    noise_std: float = spec(0.0, lo=0.0, hi=50.0)  # grey levels of Gaussian sensor noise
    exposure_jitter: float = spec(0.0, lo=0.0, hi=0.5)  # relative gain change per frame
    drop_prob: float = spec(0.0, lo=0.0, hi=0.9)  # chance a stereo frame is dropped (the next one is used)
    stereo_lost: bool = spec(False)  # right image None from the start


@dataclass(frozen=True)
class StartConfig:
    x_m: float = spec(0.0, lo=-10.0, hi=10.0)  # within the largest room (sim.room.size_m <= 20)
    y_m: float = spec(0.0, lo=-10.0, hi=10.0)
    yaw_deg: float = spec(0.0, lo=-360.0, hi=360.0)
    randomise: bool = spec(False)  # draw the start pose from the seed instead


@dataclass(frozen=True)
class SimConfig:
    seed: int = spec(0, lo=0, hi=MAX_SEED)
    physics_hz: float = spec(240.0, lo=30.0, hi=2000.0)
    camera_hz: float = spec(10.0, lo=1.0, hi=60.0)
    renderer: str = spec("tiny", choices=("tiny", "egl", "gui"))
    episode_s: float = spec(120.0, lo=1.0, hi=86400.0)  # gymnasium time limit
    room: RoomConfig = section(RoomConfig)
    obstacles: ObstacleConfig = section(ObstacleConfig)
    textures: TextureConfig = section(TextureConfig)
    lighting: LightingConfig = section(LightingConfig)
    collision: CollisionConfig = section(CollisionConfig)
    realism: RealismConfig = section(RealismConfig)
    start: StartConfig = section(StartConfig)

    def __post_init__(self) -> None:
        ratio = self.physics_hz / self.camera_hz
        if abs(ratio - round(ratio)) > 1e-6:
            raise ConfigError(
                "sim.camera_hz",
                f"sim.physics_hz ({self.physics_hz:g}) must be a whole multiple of it ({self.camera_hz:g})",
            )
        half = self.room.size_m / 2
        if max(abs(self.start.x_m), abs(self.start.y_m)) > half - 0.5:
            raise ConfigError("sim.start", f"must lie 0.5 m inside the walls (|x|, |y| <= {half - 0.5:g})")

    @property
    def steps_per_frame(self) -> int:
        return round(self.physics_hz / self.camera_hz)


class SimSetup(Protocol):
    """What the simulator reads of a configuration: its own section, the airframe it flies and the brain's camera."""

    @property
    def sim(self) -> SimConfig: ...

    @property
    def drone(self) -> DroneModelConfig: ...

    @property
    def camera(self) -> CameraConfig: ...


@dataclass(frozen=True)
class SimFlightConfig(BrainConfig):
    """The brain's sections with the simulator's: what the gym env and the emulator need without the app."""

    sim: SimConfig = section(SimConfig)
    drone: DroneModelConfig = section(DroneModelConfig)


def load_sim_config(path: str | Path | None = None, overrides: Iterable[str] = ()) -> SimFlightConfig:
    """The simulator's configuration from its defaults, a YAML file and 'a.b=value' overrides; raises ConfigError.

    A whole config file (the app's) loads too: its real-drone section is not the simulator's to read."""
    data = {} if path is None else {k: v for k, v in read_yaml(path).items() if k not in REAL_DRONE_SECTIONS}
    return load_sections(SimFlightConfig, None, overrides, data)
