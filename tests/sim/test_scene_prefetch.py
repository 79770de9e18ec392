"""Episodes drawn ahead in the worker process are exactly the ones drawn in-process, and a dead worker costs nothing."""

from __future__ import annotations

import logging

import numpy as np
import pybullet as p
import pytest
from scene_config import make_config

from drone_ssl_sim.env import RoomEnv
from drone_ssl_sim.rig import StereoRig
from drone_ssl_sim.scene_plan import plan_episode
from drone_ssl_sim.world import World

FAST = ("sim.textures.size_px=64", "sim.start.randomise=true")  # small textures draw fast; the start is drawn too


@pytest.fixture
def worlds():
    """Two worlds in clients of their own: one draws ahead, the other draws in-process."""
    config = make_config(*FAST)
    clients = [p.connect(p.DIRECT), p.connect(p.DIRECT)]
    ahead, here = World(config, clients[0], prefetch=True), World(config, clients[1])
    yield ahead, here
    for world, client in zip((ahead, here), clients, strict=True):
        world.close()
        p.disconnect(client)


def _snapshot(world: World, client: int) -> np.ndarray:
    rig = StereoRig(world.config.camera, client, "tiny")
    left, right, _ = rig.render(np.array([0.3, -0.2, 1.1]), np.eye(3), world.lighting)
    return np.concatenate([left.ravel(), right.ravel()])


def test_a_prefetched_episode_is_the_one_drawn_in_process(worlds):
    ahead, here = worlds
    rng, reference = np.random.default_rng(5), np.random.default_rng(5)
    for _ in range(3):  # consecutive episodes continue one generator, as RoomEnv's resets do
        ahead.prefetch(rng)
        plan = ahead.plan_episode(rng)
        expected = plan_episode(here.config, reference)
        assert plan.texture_files and not plan.textures  # it did come from the worker
        assert (plan.start, plan.obstacles, plan.lighting) == (expected.start, expected.obstacles, expected.lighting)
        assert rng.bit_generator.state == reference.bit_generator.state
        ahead.apply(plan)
        here.apply(expected)
        assert np.array_equal(_snapshot(ahead, ahead._client), _snapshot(here, here._client))
    assert ahead.prefetcher.hits == 3 and ahead.prefetcher.misses == 0


def test_a_state_that_did_not_come_true_is_drawn_in_process(worlds, tmp_path):
    ahead, here = worlds
    ahead.prefetch(np.random.default_rng(5))
    rng = np.random.default_rng(6)  # e.g. reset(seed=6): not the state drawn ahead
    plan = ahead.plan_episode(rng)
    expected = plan_episode(here.config, np.random.default_rng(6))
    assert plan.textures and not plan.texture_files
    assert plan.obstacles == expected.obstacles and ahead.prefetcher.misses == 1
    ahead.prefetcher.close()
    assert not list(ahead.prefetcher.directory.glob("prefetch*"))  # the unused answer's files are gone


def test_a_dead_worker_falls_back_to_drawing_in_process(worlds, caplog):
    ahead, _ = worlds
    rng = np.random.default_rng(7)
    ahead.prefetch(rng)
    ahead.prefetcher._worker.kill()
    ahead.prefetcher._worker.wait()
    with caplog.at_level(logging.WARNING, logger="drone_ssl_sim.scene_prefetch"):
        plan = ahead.plan_episode(rng)
        ahead.prefetch(rng)  # no new worker: in-process from now on
    expected = plan_episode(ahead.config, np.random.default_rng(7))
    assert plan.obstacles == expected.obstacles and plan.textures
    assert "in-process" in caplog.text and ahead.prefetcher._worker is None


def test_env_episodes_are_the_same_with_rooms_drawn_ahead_or_not():
    config = make_config("sim.textures.size_px=64")
    runs = []
    for ahead in (True, False):
        env = RoomEnv(config)
        env.drone.prefetch_scenes = ahead
        rng = np.random.default_rng(0)
        try:
            observations = [env.reset(seed=11)[0]]
            for _ in range(3):  # episodes continue the env's generator: the next room is drawn ahead
                for _ in range(4):
                    observations.append(env.step(rng.uniform(-1.0, 1.0, size=4))[0])
                observations.append(env.reset()[0])
            prefetcher = env.drone.world.prefetcher
            runs.append((observations, prefetcher.hits if prefetcher is not None else 0))
        finally:
            env.close()
    (ahead, hits), (here, _) = runs
    assert hits == 3
    for a, b in zip(ahead, here, strict=True):
        assert all(np.array_equal(a[key], b[key]) for key in ("left", "right", "state"))
