"""sim.textures.pool: episodes pick their textures from a pool made once, seeded, without drawing new ones."""

from __future__ import annotations

import numpy as np
import pybullet as p
import pytest
from scene_config import make_config

import drone_ssl_sim.scene_plan
import drone_ssl_sim.textures
from drone_ssl_sim.rig import StereoRig
from drone_ssl_sim.scene_plan import SURFACE_KINDS, plan_episode
from drone_ssl_sim.textures import texture_pool
from drone_ssl_sim.world import World

POOL = ("sim.textures.size_px=64", "sim.textures.pool=12")


@pytest.fixture
def client():
    c = p.connect(p.DIRECT)
    yield c
    p.disconnect(c)


def _snapshot(world: World, client: int) -> np.ndarray:
    left, right, _ = StereoRig(world.config.camera, client, "tiny").render(np.array([0.0, 0.0, 1.2]), np.eye(3),
                                                                           world.lighting)  # fmt: skip
    return np.concatenate([left.ravel(), right.ravel()])


def test_episodes_pick_suitable_pool_textures_and_draw_none(monkeypatch):
    config = make_config(*POOL)
    pool = texture_pool("rich", 64, 12, config.sim.seed)
    made = []
    for module in (
        drone_ssl_sim.scene_plan,
        drone_ssl_sim.textures,
    ):  # the pool is made already: nothing may be drawn any more
        monkeypatch.setattr(module, "make_texture", lambda *a: made.append(a))
    rng = np.random.default_rng(4)
    plans = [plan_episode(config, rng) for _ in range(5)]
    assert not made and all(not plan.textures for plan in plans)
    for plan in plans:
        for surface, index in zip(plan.surfaces, plan.pool_indices, strict=True):
            assert pool[index][0] in SURFACE_KINDS[surface.what.split(":")[0]]
    assert len({tuple(plan.pool_indices) for plan in plans}) == 5  # every episode its own pick


def test_same_seed_same_pooled_room_and_seeds_differ(client):
    config = make_config(*POOL)
    world = World(config, client, prefetch=True)
    assert world.prefetcher is None  # nothing slow to draw ahead
    world.build(np.random.default_rng(1), (0.0, 0.0))
    first = _snapshot(world, client)
    world.build(np.random.default_rng(2), (0.0, 0.0))
    assert not np.array_equal(_snapshot(world, client), first)
    other = p.connect(p.DIRECT)
    try:
        again = World(config, other)
        again.build(np.random.default_rng(1), (0.0, 0.0))
        assert np.array_equal(_snapshot(again, other), first)
    finally:
        p.disconnect(other)
    world.close()
