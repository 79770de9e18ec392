"""RL-style rollouts of DroneSSL/Room-v0 (episodes end on a collision, then reset): steps/s, reset cost, vector envs."""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np

from drone_ssl_app.config import Config
from drone_ssl_sim.env import RoomEnv


def random_action(rng: np.random.Generator) -> np.ndarray:
    """An exploring policy that keeps moving forward, so that episodes end on collisions as in RL training."""
    roll, pitch, gaz, yaw = rng.uniform(-1.0, 1.0, size=4)
    return np.array([roll, -abs(pitch), 0.2 * gaz, yaw], dtype=np.float32)


def rollout(
    config: Config, seconds: float, prefetch: bool = True, seed: int = 0, concurrent_cameras: bool = False
) -> dict:
    """Step a RoomEnv with random_action for `seconds` of wall time, resetting after each collision (or time limit)."""
    env = RoomEnv(config, concurrent_cameras=concurrent_cameras)
    env.drone.prefetch_scenes = prefetch
    rng = np.random.default_rng(seed)
    limit = round(config.sim.episode_s * config.sim.camera_hz)
    try:
        env.reset(seed=seed)
        steps = episode_steps = 0
        step_cpu, render_cpu, resets, reset_cpu = 0.0, 0.0, [], []
        rig = env.drone.rig
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            action = random_action(rng)
            c, r = time.process_time(), rig.render_cpu_s  # CPU time: other work on the machine does not inflate it
            _, _, terminated, _, _ = env.step(action)
            step_cpu += time.process_time() - c
            render_cpu += rig.render_cpu_s - r
            steps += 1
            episode_steps += 1
            if terminated or episode_steps >= limit:
                t, c = time.perf_counter(), time.process_time()
                env.reset()
                resets.append(time.perf_counter() - t)
                reset_cpu.append(time.process_time() - c)
                episode_steps = 0
        wall = time.perf_counter() - started
        prefetcher = env.drone.world.prefetcher
        hits = prefetcher.hits if prefetcher is not None else 0
    finally:
        env.close()
    reset_ms = 1000 * np.array(resets) if resets else np.array([np.nan])
    reset_cpu_ms = 1000 * np.array(reset_cpu) if reset_cpu else np.array([np.nan])
    return {
        "steps_per_s": round(steps / wall, 1),
        "real_time_factor": round(steps / config.sim.camera_hz / wall, 2),
        "step_cpu_ms": round(1000 * step_cpu / max(steps, 1), 2),
        "step_over_its_renders": round(step_cpu / render_cpu, 3) if render_cpu > 0 else None,
        "episodes": len(resets),
        "mean_episode_steps": round(steps / max(len(resets), 1), 1),
        "reset_ms_median": round(float(np.median(reset_ms)), 1),
        "reset_ms_p90": round(float(np.percentile(reset_ms, 90)), 1),
        "reset_cpu_ms_median": round(float(np.median(reset_cpu_ms)), 1),
        "reset_share_of_wall": round(float(np.nansum(reset_ms)) / 1000 / wall, 3),
        "resets_drawn_ahead": hits,
    }


def vector_steps_per_s(config: Config, envs: int, seconds: float, seed: int = 0) -> float:
    """Steps/s (all environments together) of gymnasium's AsyncVectorEnv over `envs` processes, autoresetting."""
    vector = gym.vector.AsyncVectorEnv([lambda: RoomEnv(config) for _ in range(envs)])
    rng = np.random.default_rng(seed)
    try:
        vector.reset(seed=seed)
        vector.step(np.stack([random_action(rng) for _ in range(envs)]))  # workers warm: rooms drawn, caches filled
        steps, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            vector.step(np.stack([random_action(rng) for _ in range(envs)]))
            steps += envs
        return round(steps / (time.perf_counter() - started), 1)
    finally:
        vector.close()
