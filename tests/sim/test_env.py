"""The gymnasium env DroneSSL/Room-v0: API compliance, determinism, rewards and termination."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import drone_ssl_sim
from drone_ssl_app.config import load_config
from drone_ssl_sim.env import STATE_FIELDS, RoomEnv


def test_registered_with_a_time_limit() -> None:
    env = gym.make(drone_ssl_sim.ENV_ID)
    try:
        config = load_config()
        assert env.spec.max_episode_steps == round(config.sim.episode_s * config.sim.camera_hz)
    finally:
        env.close()


def test_check_env_passes_without_warnings() -> None:
    env = gym.make(drone_ssl_sim.ENV_ID, render_mode="rgb_array")
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


def test_gymnasium_1_registration_forms_make_the_env() -> None:
    gym.register_envs(drone_ssl_sim)  # Gymnasium 1.x: keeps the registering import from looking unused
    env = gym.make("drone_ssl_sim:DroneSSL/Room-v0")  # imports the module, then makes the env
    try:
        assert env.unwrapped.spec.id == drone_ssl_sim.ENV_ID
    finally:
        env.close()


def test_images_have_the_channel_axis_image_policies_recognise() -> None:
    preprocessing = pytest.importorskip("stable_baselines3.common.preprocessing")
    env = RoomEnv()
    try:
        spaces = env.observation_space.spaces
        assert spaces["left"].shape == (96, 128, 1) and spaces["right"].shape == (96, 128, 1)
        assert preprocessing.is_image_space(spaces["left"]) and preprocessing.is_image_space(spaces["right"])
        assert not preprocessing.is_image_space(spaces["state"])
        obs, _ = env.reset(seed=0)
        assert obs["left"].shape == (96, 128, 1) and obs["left"].dtype == np.uint8 and obs["left"].std() > 5
    finally:
        env.close()


def test_sb3_ppo_trains_a_cnn_on_the_images() -> None:
    """A few hundred PPO steps on the real env with MultiInputPolicy: a CNN per image, weights that move."""
    sb3 = pytest.importorskip("stable_baselines3")
    import torch
    from stable_baselines3.common.torch_layers import NatureCNN

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one-image convolutions: extra threads only contend (6x slower on a busy 2-core box)
    env = RoomEnv(load_config(overrides=["sim.obstacles.count=2"]))
    try:
        model = sb3.PPO("MultiInputPolicy", env, n_steps=100, batch_size=50, n_epochs=1, seed=0, device="cpu")
        extractors = model.policy.features_extractor.extractors
        assert isinstance(extractors["left"], NatureCNN) and isinstance(extractors["right"], NatureCNN)
        before = [p.detach().clone() for p in extractors["left"].parameters()]
        model.learn(total_timesteps=200)
        assert model.num_timesteps >= 200
        assert any(
            not np.allclose(a.numpy(), b.detach().numpy())
            for a, b in zip(before, extractors["left"].parameters(), strict=True)
        )
    finally:
        env.close()
        torch.set_num_threads(threads)
