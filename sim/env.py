"""Gymnasium environment `DroneSSL/Room-v0`: one step is one stereo frame of the simulated room."""

from __future__ import annotations

import math
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from drone_ssl.types import Command
from drone_ssl_sim.config import SimSetup, load_sim_config
from drone_ssl_sim.sim_drone import SimDrone

STATE_FIELDS = ("x", "y", "z", "v_forward", "v_right", "v_up", "roll", "pitch", "yaw", "battery", "flying", "stereo_ok")
COLLISION_PENALTY = 10.0


# RL resets every episode: textures come from a pool drawn once per process from sim.seed (each episode still
# picks its own from its seed), so reset() stays near 40 ms instead of ~100 ms of drawing ten fresh textures.
# Flights (fly.py) keep drawing fresh textures; pass --set-style overrides or a config to change either.
ENV_DEFAULTS = ("sim.textures.pool=64",)


class RoomEnv(gym.Env):
    """Fly the 5 x 5 m room: reward is collision-free forward progress (metres along the heading).

    Observation: `left`, `right` (uint8 grey images of shape (height, width, 1), the channel-last layout
    image policies recognise, e.g. stable-baselines3's `MultiInputPolicy` puts a CNN on each; `right` is all
    zero when stereo is lost, see `state[stereo_ok]`) and `state` (the fields in STATE_FIELDS). Action: the four PCMD
    fractions (roll, pitch, gaz, yaw) in [-1, 1]. `terminated` on a collision when
    `terminate_on_collision`; the time limit comes from the registration (`truncated`).
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 10}

    def __init__(
        self,
        config: SimSetup | None = None,
        overrides: tuple[str, ...] = (),
        terminate_on_collision: bool = True,
        render_mode: str | None = None,
        concurrent_cameras: bool = False,
    ) -> None:
        self.config = config if config is not None else load_sim_config(overrides=(*ENV_DEFAULTS, *overrides))
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode {render_mode!r} is not supported; use None or 'rgb_array'")
        self.render_mode = render_mode
        self.terminate_on_collision = terminate_on_collision
        self.metadata = {**self.metadata, "render_fps": self.config.sim.camera_hz}
        h, w = self.config.camera.height, self.config.camera.width
        image = spaces.Box(0, 255, shape=(h, w, 1), dtype=np.uint8)
        self.observation_space = spaces.Dict(
            {
                "left": image,
                "right": image,
                "state": spaces.Box(*self._state_bounds(), dtype=np.float32),
            }
        )
        self.action_space = spaces.Box(-1.0, 1.0, shape=(4,), dtype=np.float32)
        # RL loops reset often: draw rooms ahead; a free core can render the right camera (concurrent_cameras)
        self.drone = SimDrone(self.config, prefetch_scenes=True, concurrent_cameras=concurrent_cameras)
        self._last: dict[str, np.ndarray] | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if self.drone.client is None:
            self.drone.connect()
        # All randomness (room, textures, lighting, sensor effects) comes from the env's own generator.
        self.drone.reset(self.np_random)
        self.drone.takeoff()
        obs = self._observe()
        return obs, self._info()

    def step(self, action):
        action = np.asarray(action, dtype=np.float64)
        if action.shape != (4,) or not np.all(np.isfinite(action)):
            raise ValueError(f"action must be 4 finite numbers (roll, pitch, gaz, yaw), got {action!r}")
        before = len(self.drone.collisions)
        start = self.drone.state().position
        self.drone.send(Command.clipped(*action))
        obs = self._observe()
        state = self.drone.state()
        collided = len(self.drone.collisions) > before
        fx, fy = math.cos(state.yaw), -math.sin(state.yaw)
        progress = (state.position[0] - start[0]) * fx + (state.position[1] - start[1]) * fy
        reward = float(progress - (COLLISION_PENALTY if collided else 0.0))
        terminated = bool(collided and self.terminate_on_collision) or self.drone.crashed
        return obs, reward, terminated, False, self._info()

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array" or self._last is None:
            return None
        pair = np.hstack([self._last["left"], self._last["right"]])
        return np.repeat(pair, 3, axis=2)

    def close(self) -> None:
        self.drone.close()

    def _state_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        half, top = self.config.sim.room.size_m / 2, self.config.sim.room.height_m
        speed = 10.0  # m/s: far beyond the drag-limited speed, a bound only
        low = [-half, -half, 0.0, -speed, -speed, -speed, -math.pi, -math.pi, -math.pi, 0.0, 0.0, 0.0]
        high = [half, half, top, speed, speed, speed, math.pi, math.pi, math.pi, 1.0, 1.0, 1.0]
        return np.array(low, dtype=np.float32), np.array(high, dtype=np.float32)

    def _observe(self) -> dict[str, np.ndarray]:
        frame = self.drone.read()
        s = frame.state
        state = np.array(
            [*s.position, *s.velocity, *s.attitude, s.battery / 100.0, float(s.flying), float(frame.has_stereo)],
            dtype=np.float32,
        )
        right = frame.right if frame.right is not None else np.zeros_like(frame.left)
        self._last = {"left": frame.left[:, :, None], "right": right[:, :, None], "state": state}
        return self._last

    def _info(self) -> dict[str, Any]:
        return {"t": self.drone.t, "collisions": len(self.drone.collisions)}
