"""The simulated world: a PyBullet 5 x 5 m room, an AR.Drone 2.0-like flight model, a stereo rig, `SimDrone`."""

from __future__ import annotations

import importlib
from typing import Any

import gymnasium as gym

from drone_ssl_sim.config import SimConfig

ENV_ID = "DroneSSL/Room-v0"
_LAZY = {
    "SimDrone": "drone_ssl_sim.sim_drone",
    "GroundTruth": "drone_ssl_sim.sim_drone",
    "CollisionEvent": "drone_ssl_sim.sim_drone",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that importing a light submodule (the flight model, the emulator's codecs) does not start PyBullet.
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


if ENV_ID not in gym.registry:
    _defaults = SimConfig()  # the time limit is the default sim.episode_s at sim.camera_hz
    gym.register(
        id=ENV_ID,
        entry_point="drone_ssl_sim.env:RoomEnv",
        max_episode_steps=round(_defaults.episode_s * _defaults.camera_hz),
    )

__all__ = ["ENV_ID", "CollisionEvent", "GroundTruth", "SimDrone"]
