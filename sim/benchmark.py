"""Simulator benchmark: physics rate, stereo frame rate and real-time factor against the rendering ceiling."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from drone_ssl.config import Config
from drone_ssl.types import Command
from sim.scripted_flight import fly_scripted
from sim.sim_drone import SimDrone

RESOLUTIONS = ((128, 96), (320, 240), (640, 480))


def _config_at(config: Config, width: int, height: int) -> Config:
    from dataclasses import replace

    return replace(config, camera=replace(config.camera, width=width, height=height))


def physics_steps_per_s(config: Config, steps: int = 4000) -> float:
    """Flight model + collision queries, no rendering, while flying forward."""
    with SimDrone(config) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-0.2))
        start = time.perf_counter()
        for _ in range(steps):
            drone._physics_step()
        return steps / (time.perf_counter() - start)


def render_ceiling(config: Config, frames: int) -> dict[str, float]:
    """Rendering alone: the two getCameraImage calls of one stereo frame, from poses along a flight."""
    with SimDrone(config) as drone:
        drone.takeoff()
        rotation = drone.model.rotation()
        position = drone._position()
        lighting = drone.world.lighting
        start = time.perf_counter()
        for i in range(frames):
            pos = position + np.array([0.002 * i, 0.0, 0.0])
            drone.rig.render(pos, rotation, lighting, depth=False)
        per_frame = (time.perf_counter() - start) / frames
    return {"render_ms_per_camera": 1000 * per_frame / 2, "ceiling_rtf": 1 / (per_frame * config.sim.camera_hz)}


def scripted_flight_rate(config: Config, seconds: float) -> dict[str, float]:
    with SimDrone(config) as drone:
        report = fly_scripted(drone, seconds)
    return {"stereo_fps": report.frames / report.wall_time_s, "rtf": report.real_time_factor}


def run(config: Config, seconds: float = 30.0, progress: Callable[[str], None] = lambda _: None) -> dict:
    """All figures, as a JSON-ready mapping."""
    progress("physics")
    out: dict = {"physics_steps_per_s": round(physics_steps_per_s(config), 1), "camera_hz": config.sim.camera_hz}
    for width, height in RESOLUTIONS:
        name = f"{width}x{height}"
        scale = (width * height) / (128 * 96)
        cfg = _config_at(config, width, height)
        progress(f"{name}: rendering ceiling")
        ceiling = render_ceiling(cfg, frames=max(20, round(200 / scale)))
        progress(f"{name}: scripted flight")
        flight = scripted_flight_rate(cfg, seconds if scale <= 1 else max(5.0, seconds / scale))
        out[name] = {
            "stereo_fps": round(flight["stereo_fps"], 1),
            "real_time_factor": round(flight["rtf"], 2),
            "render_ms_per_camera": round(ceiling["render_ms_per_camera"], 3),
            "ceiling_real_time_factor": round(ceiling["ceiling_rtf"], 2),
            "share_of_ceiling": round(flight["rtf"] / ceiling["ceiling_rtf"], 3),
        }
    return out
