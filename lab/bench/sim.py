"""Simulator benchmark: physics, stereo frame rate, RL-style rollouts and vector envs against the render ceiling."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from drone_ssl.types import Command
from drone_ssl_app.config import Config
from drone_ssl_lab.bench.rollout import rollout, vector_steps_per_s
from drone_ssl_lab.data.scripted_flight import fly_scripted
from drone_ssl_sim.sim_drone import SimDrone

RESOLUTIONS = ((128, 96), (320, 240), (640, 480))
POOL = 64  # sim.textures.pool of the pooled rollouts


def _config_at(config: Config, width: int, height: int) -> Config:
    return replace(config, camera=replace(config.camera, width=width, height=height))


def physics_steps_per_s(config: Config, steps: int = 4000) -> float:
    """Flight model + collision queries, no rendering, while flying forward."""
    with SimDrone(config) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-0.2))
        start = time.perf_counter()
        for _ in range(steps):
            drone.physics_step()
        return steps / (time.perf_counter() - start)


def render_ceiling(config: Config, frames: int, concurrent: bool = False) -> dict[str, float]:
    """Rendering alone: the two getCameraImage calls of one stereo frame, from poses along a flight (`concurrent`:
    the right camera in the render peer process, at the same time as the left)."""
    with SimDrone(config, concurrent_cameras=concurrent) as drone:
        drone.takeoff()
        rotation = drone.model.rotation()
        position = drone.position()
        lighting = drone.world.lighting
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(frames):
            pos = position + np.array([0.002 * i, 0.0, 0.0])
            drone.rig.render(pos, rotation, lighting, depth=False)
        per_frame = (time.perf_counter() - start) / frames
        cpu_per_frame = (time.process_time() - cpu) / frames  # what other work on the machine does not inflate
    return {
        "render_ms_per_camera": 1000 * per_frame / 2,
        "render_cpu_ms_per_camera": 1000 * cpu_per_frame / 2,
        "ceiling_rtf": 1 / (per_frame * config.sim.camera_hz),
    }


def scripted_flight_rate(config: Config, seconds: float) -> dict[str, float]:
    with SimDrone(config) as drone:
        report = fly_scripted(drone, seconds)
    return {"stereo_fps": report.frames / report.wall_time_s, "rtf": report.real_time_factor}


def rl_figures(
    config: Config, seconds: float, vector_seconds: float, envs: tuple[int, ...], progress: Callable[[str], None]
) -> dict:
    """RoomEnv rollouts with resets (rooms drawn ahead, and in-process as before) and AsyncVectorEnv steps/s."""
    progress("rendering ceilings for the rollouts: serial and concurrent cameras")
    ceiling = render_ceiling(config, frames=200)
    concurrent = render_ceiling(config, frames=200, concurrent=True)
    progress(f"RL-style rollout, {seconds:g} s, rooms drawn ahead")
    ahead = rollout(config, seconds, prefetch=True)
    progress(f"RL-style rollout, {seconds / 2:g} s, rooms drawn ahead, right camera in the render peer")
    both = rollout(config, seconds / 2, prefetch=True, concurrent_cameras=True)
    progress(f"RL-style rollout, {seconds / 2:g} s, rooms drawn in-process")
    here = rollout(config, seconds / 2, prefetch=False)
    pooled_config = replace(config, sim=replace(config.sim, textures=replace(config.sim.textures, pool=POOL)))
    progress(f"RL-style rollout, {seconds / 2:g} s, textures from a pool of {POOL}")
    pooled = rollout(pooled_config, seconds / 2)
    progress(f"RL-style rollout, {seconds / 2:g} s, textures from a pool of {POOL}, right camera in the render peer")
    pooled_both = rollout(pooled_config, seconds / 2, concurrent_cameras=True)
    top = ceiling["ceiling_rtf"]
    out = {
        "camera": f"{config.camera.width}x{config.camera.height} @ {config.sim.camera_hz:g} Hz",
        "render_ms_per_stereo_frame": round(2 * ceiling["render_ms_per_camera"], 2),
        "render_cpu_ms_per_stereo_frame": round(2 * ceiling["render_cpu_ms_per_camera"], 2),
        "ceiling_real_time_factor": round(top, 2),
        "concurrent_cameras_render_ms_per_stereo_frame": round(2 * concurrent["render_ms_per_camera"], 2),
        "concurrent_cameras_render_cpu_ms_here": round(2 * concurrent["render_cpu_ms_per_camera"], 2),
        "concurrent_cameras_ceiling_real_time_factor": round(concurrent["ceiling_rtf"], 2),
        "rooms_drawn_ahead": {**ahead, "share_of_ceiling": round(ahead["real_time_factor"] / top, 3)},
        "rooms_drawn_ahead_concurrent_cameras": {**both, "share_of_ceiling": round(both["real_time_factor"] / top, 3)},
        "rooms_drawn_in_process": {**here, "share_of_ceiling": round(here["real_time_factor"] / top, 3)},
        f"texture_pool_{POOL}": {**pooled, "share_of_ceiling": round(pooled["real_time_factor"] / top, 3)},
        f"texture_pool_{POOL}_concurrent_cameras": {
            **pooled_both,
            "share_of_ceiling": round(pooled_both["real_time_factor"] / top, 3),
        },
        "step_over_render_cpu": round(ahead["step_cpu_ms"] / (2 * ceiling["render_cpu_ms_per_camera"]), 3),
    }
    for n in envs:
        progress(f"AsyncVectorEnv over {n} process(es), {vector_seconds:g} s")
        out[f"vector_env_{n}_steps_per_s"] = vector_steps_per_s(config, n, vector_seconds)
    return out


def run(
    config: Config,
    seconds: float = 30.0,
    progress: Callable[[str], None] = lambda _: None,
    rollout_seconds: float = 20.0,
    vector_seconds: float = 10.0,
    vector_envs: tuple[int, ...] = (1, 2),
) -> dict:
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
    if rollout_seconds > 0:
        out["rl_rollout_128x96"] = rl_figures(config, rollout_seconds, vector_seconds, vector_envs, progress)
    return out
