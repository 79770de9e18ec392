"""The right camera rendered in the peer process is the image rendered in-process, and a dead peer costs nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from scene_config import make_config

from drone_ssl.types import Command
from drone_ssl_sim.sim_drone import SimDrone

FAST = ("sim.textures.size_px=64",)


def _frames(drone: SimDrone, episodes: int = 2, frames: int = 4) -> list[np.ndarray]:
    images = []
    rng = np.random.default_rng(3)
    for _ in range(episodes):
        drone.reset(rng)
        drone.takeoff()
        drone.send(Command(pitch=-0.3, yaw=0.2))
        for _ in range(frames):
            observation = drone.read()
            images += [observation.left, observation.right]
    return images


def test_the_peer_renders_what_this_process_would():
    config = make_config(*FAST)
    with SimDrone(config) as alone, SimDrone(config, concurrent_cameras=True) as paired:
        expected, got = _frames(alone), _frames(paired)
        assert all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))
        assert not paired.rig.peer.broken
        assert not list(Path(paired.world._texture_dir.name).glob("*.bmp"))  # the peer deleted what it read


def test_a_dead_peer_falls_back_to_rendering_here(caplog):
    config = make_config(*FAST)
    with SimDrone(config) as alone, SimDrone(config, concurrent_cameras=True) as paired:
        paired.rig.peer._worker.kill()
        with caplog.at_level(logging.WARNING, logger="drone_ssl_sim.render_peer"):
            got = _frames(paired, episodes=1)
        assert all(np.array_equal(a, b) for a, b in zip(_frames(alone, episodes=1), got, strict=True))
        assert paired.rig.peer.broken and "in-process" in caplog.text
        assert not list(Path(paired.world._texture_dir.name).glob("*.bmp"))
