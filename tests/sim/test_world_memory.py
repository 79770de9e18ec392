"""Rebuilding the room every episode does not grow memory (PyBullet cannot unload textures; the World must cope)."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pybullet as p
import pytest
from scene_config import make_config

from drone_ssl_sim.env import RoomEnv
from drone_ssl_sim.rig import StereoRig
from drone_ssl_sim.world import World

STATUS = Path("/proc/self/status")


def _rss_mb() -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS line in /proc/self/status")


@pytest.mark.slow
@pytest.mark.skipif(not STATUS.exists(), reason="reads the resident set size from Linux /proc")
def test_thousands_of_episodes_do_not_leak():
    # 5 obstacles of every kind and full-size textures: what a training run rebuilds every episode
    config = make_config("sim.obstacles.count=5")
    client = p.connect(p.DIRECT)
    try:
        world = World(config, client)
        rig = StereoRig(config.camera, client, "tiny")
        rng = np.random.default_rng(0)
        pose = (np.array([0.0, 0.0, 1.0]), np.eye(3))
        rss = []
        for episode in range(300):
            world.build(rng, (0.0, 0.0))
            world.place_drone(*pose)
            rig.render(*pose, world.lighting, depth=True)
            if episode in (49, 299):
                gc.collect()
                rss.append(_rss_mb())
        world.close()
    finally:
        p.disconnect(client)
    # Fresh mesh lists per episode leaked ~0.2 MB per build (60 MB here); a texture per surface would be ~8 MB.
    assert rss[1] - rss[0] < 5.0, f"resident memory grew {rss[1] - rss[0]:.1f} MB over 250 rebuilds"


@pytest.mark.slow
@pytest.mark.skipif(not STATUS.exists(), reason="reads the resident set size from Linux /proc")
def test_thousands_of_env_resets_do_not_leak():
    # RoomEnv's path: rooms drawn ahead in the worker process, texture files read once under fresh names. Small
    # textures keep it quick; a leaked texture set would still be 0.5 MB an episode (1 GB here).
    env = RoomEnv(make_config("sim.textures.size_px=128"))  # 4 obstacles: 5 do not always fit, 2000 rooms in a row
    try:
        env.reset(seed=0)
        rss = []
        for episode in range(2000):
            env.reset()
            if episode in (199, 1999):
                gc.collect()
                rss.append(_rss_mb())
        hits = env.drone.world.prefetcher.hits
    finally:
        env.close()
    assert hits >= 1990, f"only {hits} of 2000 resets took the room drawn ahead"
    assert rss[1] - rss[0] < 10.0, f"resident memory grew {rss[1] - rss[0]:.1f} MB over 1800 resets"
