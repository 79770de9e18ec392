"""Typed configuration sections; the shipped YAML (drone_ssl/configs/default.yaml) mirrors these defaults."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.bridge import BridgeConfig
from drone_ssl.config.flight import ArbiterConfig, BehaviourConfig
from drone_ssl.config.flightlog import FlightLogConfig
from drone_ssl.config.learner import LearnerConfig
from drone_ssl.config.loader import section, spec
from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.errors import ConfigError

OBSTACLE_KINDS = ("pole", "box", "panel")


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
    x_m: float = spec(0.0)
    y_m: float = spec(0.0)
    yaw_deg: float = spec(0.0, lo=-360.0, hi=360.0)
    randomise: bool = spec(False)  # draw the start pose from the seed instead


@dataclass(frozen=True)
class SimConfig:
    seed: int = spec(0, lo=0)
    physics_hz: float = spec(240.0, lo=30.0, hi=2000.0)
    camera_hz: float = spec(10.0, lo=1.0, hi=60.0)
    renderer: str = spec("tiny", choices=("tiny", "egl", "gui"))
    episode_s: float = spec(120.0, lo=1.0)  # gymnasium time limit
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


@dataclass(frozen=True)
class DroneModelConfig:
    mass_kg: float = spec(0.42, lo=0.05, hi=10.0)
    hull_diameter_m: float = spec(0.52, lo=0.1, hi=2.0)
    hull_height_m: float = spec(0.12, lo=0.02, hi=1.0)
    max_tilt_deg: float = spec(12.0, lo=1.0, hi=30.0)  # control:euler_angle_max
    max_vz_mps: float = spec(0.7, lo=0.1, hi=2.0)  # control:control_vz_max
    max_yaw_rate_dps: float = spec(100.0, lo=10.0, hi=350.0)  # control:control_yaw
    attitude_tau_s: float = spec(0.12, lo=0.01, hi=2.0)  # first-order tilt response
    yaw_tau_s: float = spec(0.1, lo=0.01, hi=2.0)
    vz_tau_s: float = spec(0.15, lo=0.01, hi=2.0)
    drag_per_s: float = spec(0.55, lo=0.05, hi=5.0)  # linear drag: terminal speed = g tan(tilt) / drag
    takeoff_altitude_m: float = spec(1.0, lo=0.3, hi=5.0)
    landing_speed_mps: float = spec(0.5, lo=0.1, hi=2.0)
    battery_drain_pct_per_min: float = spec(0.0, lo=0.0, hi=100.0)


@dataclass(frozen=True)
class CameraConfig:
    width: int = spec(128, lo=32, hi=1920)
    height: int = spec(96, lo=24, hi=1080)
    hfov_deg: float = spec(60.0, lo=20.0, hi=150.0)
    baseline_m: float = spec(0.06, lo=0.01, hi=1.0)
    forward_offset_m: float = spec(0.1, lo=0.0, hi=1.0)  # camera ahead of the body centre
    near_m: float = spec(0.05, lo=0.001, hi=1.0)
    far_m: float = spec(20.0, lo=1.0, hi=1000.0)

    def __post_init__(self) -> None:
        if self.far_m <= self.near_m:
            raise ConfigError("camera.far_m", f"must be greater than camera.near_m ({self.near_m:g})")

    @property
    def focal_px(self) -> float:
        """Focal length in pixels of the ideal pinhole camera with this horizontal FOV."""
        import math

        return (self.width / 2) / math.tan(math.radians(self.hfov_deg) / 2)


@dataclass(frozen=True)
class Config:
    """The whole configuration: one section per part of the stack."""

    sim: SimConfig = section(SimConfig)
    drone: DroneModelConfig = section(DroneModelConfig)
    camera: CameraConfig = section(CameraConfig)
    perception: PerceptionConfig = section(PerceptionConfig)
    bridge: BridgeConfig = section(BridgeConfig)
    learner: LearnerConfig = section(LearnerConfig)
    arbiter: ArbiterConfig = section(ArbiterConfig)
    behaviour: BehaviourConfig = section(BehaviourConfig)
    log: FlightLogConfig = section(FlightLogConfig)
