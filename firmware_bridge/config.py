"""Typed configuration of the real-drone bridge (the `bridge:` section): address and ports, timing, safety limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.config import CameraConfig
from drone_ssl.config.loader import section, spec
from drone_ssl.errors import ConfigError
from drone_ssl_bridge.cameras.config import StereoStreamConfig

PORT = {"lo": 1, "hi": 65535}


@dataclass(frozen=True)
class BridgeConfig:
    backend: str = spec("ardrone2", choices=("ardrone2", "bebop2"))
    host: str = spec("192.168.1.1")  # the AR.Drone's own access point address
    at_port: int = spec(5556, **PORT)
    navdata_port: int = spec(5554, **PORT)
    video_port: int = spec(5555, **PORT)
    config_port: int = spec(5559, **PORT)
    camera_hz: float = spec(10.0, lo=1.0, hi=60.0)  # frames a second the loop flies at: the stereo stream's rate
    command_period_s: float = spec(0.03, lo=0.005, hi=0.045)  # under the drone's 50 ms command watchdog
    navdata_hover_s: float = spec(0.5, lo=0.05, hi=10.0)  # navdata silent this long: hover
    navdata_lost_s: float = spec(2.0, lo=0.1, hi=30.0)  # silent this long: land and raise LinkLostError
    connect_timeout_s: float = spec(5.0, lo=0.1, hi=120.0)
    min_battery_pct: float = spec(20.0, lo=0.0, hi=100.0)  # below it: no takeoff, and a flying drone lands
    max_altitude_m: float = spec(2.5, lo=0.3, hi=100.0)  # no climbing above it; landing above it + margin
    altitude_margin_m: float = spec(0.5, lo=0.05, hi=10.0)
    max_flight_s: float = spec(600.0, lo=1.0, hi=3600.0)  # airborne longer than this: land
    flat_trim: bool = spec(True)  # FTRIM before each takeoff (the drone must stand level)
    outdoor: bool = spec(False)
    hull: bool = spec(True)  # indoor hull fitted (control:flight_without_shell FALSE)
    session_ids: list[str] = spec(["00000000", "00000000", "00000000"])  # CONFIG_IDS: session, profile, app
    stereo: StereoStreamConfig = section(StereoStreamConfig)

    def __post_init__(self) -> None:
        if self.navdata_lost_s <= self.navdata_hover_s:
            raise ConfigError(
                "bridge.navdata_lost_s", f"must be greater than bridge.navdata_hover_s ({self.navdata_hover_s:g})"
            )
        if len(self.session_ids) != 3 or any(len(i) != 8 for i in self.session_ids):
            raise ConfigError("bridge.session_ids", "needs three 8-character hex ids (session, profile, application)")


class BridgeSetup(Protocol):
    """What a real drone reads of a configuration: the bridge's section, the airframe and the brain's camera."""

    @property
    def bridge(self) -> BridgeConfig: ...

    @property
    def drone(self) -> DroneModelConfig: ...

    @property
    def camera(self) -> CameraConfig: ...
