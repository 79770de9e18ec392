"""The RL-style rollout benchmark: resets take rooms drawn ahead, a step costs at least its renders, vector envs run."""

from __future__ import annotations

from drone_ssl_lab.bench.rollout import rollout, vector_steps_per_s
from drone_ssl_sim.config import load_sim_config

SHORT = ("sim.textures.size_px=128", "sim.episode_s=1.0")  # 10-step episodes: several resets in a few seconds


def test_rollout_resets_take_the_rooms_drawn_ahead():
    figures = rollout(load_sim_config(overrides=SHORT), seconds=3.0)
    assert figures["episodes"] >= 2
    assert figures["resets_drawn_ahead"] >= figures["episodes"] - 1  # the first may still be drawing
    assert figures["step_over_its_renders"] >= 1.0  # a step renders its pair and more


def test_async_vector_env_steps_in_worker_processes():
    assert vector_steps_per_s(load_sim_config(overrides=SHORT), envs=2, seconds=2.0) > 0
