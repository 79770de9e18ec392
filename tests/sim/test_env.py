"""The gymnasium env DroneSSL/Room-v0: API compliance, determinism, rewards and termination."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import sim
from drone_ssl.config import load_config
from sim.env import STATE_FIELDS, RoomEnv


def test_registered_with_a_time_limit() -> None:
    env = gym.make(sim.ENV_ID)
    try:
        config = load_config()
        assert env.spec.max_episode_steps == round(config.sim.episode_s * config.sim.camera_hz)
    finally:
        env.close()


def test_check_env_passes_without_warnings() -> None:
    env = gym.make(sim.ENV_ID, render_mode="rgb_array")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            check_env(env.unwrapped)
    finally:
        env.close()


def test_reset_with_a_seed_is_deterministic_and_seeds_differ() -> None:
    env = RoomEnv()
    try:
        a, _ = env.reset(seed=3)
        a2, _ = env.step(np.array([0.0, -0.5, 0.0, 0.2]))[:2]
        b, _ = env.reset(seed=3)
        b2, _ = env.step(np.array([0.0, -0.5, 0.0, 0.2]))[:2]
        c, _ = env.reset(seed=4)
        assert np.array_equal(a["left"], b["left"]) and np.array_equal(a2["state"], b2["state"])
        assert not np.array_equal(a["left"], c["left"])
        assert a["state"].shape == (len(STATE_FIELDS),)
    finally:
        env.close()


def test_forward_flight_is_rewarded_and_a_collision_terminates() -> None:
    env = RoomEnv(load_config(overrides=["sim.obstacles.count=0", "sim.start.x_m=1.0"]))
    try:
        env.reset(seed=0)
        rewards, terminated = [], False
        for _ in range(60):
            _, reward, terminated, truncated, info = env.step(np.array([0.0, -1.0, 0.0, 0.0], dtype=np.float32))
            rewards.append(reward)
            if terminated:
                break
        assert terminated and info["collisions"] == 1
        assert sum(rewards[:-1]) > 0.5 and rewards[-1] < 0
    finally:
        env.close()


def test_bad_actions_are_refused() -> None:
    env = RoomEnv()
    try:
        env.reset(seed=0)
        with pytest.raises(ValueError, match="4 finite numbers"):
            env.step(np.array([0.0, np.nan, 0.0, 0.0]))
    finally:
        env.close()
