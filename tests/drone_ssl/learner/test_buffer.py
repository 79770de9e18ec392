"""Replay buffer: bounded ring, the paper's active rule, priority repeats, batches."""

from __future__ import annotations

import math

import numpy as np

from drone_ssl.config.learner import LearnerConfig
from drone_ssl.learner.buffer import ReplayBuffer, Sample


def sample(i: int, distance: float = 2.0, mono: float = math.nan, priority: bool = False) -> Sample:
    image = np.full((6, 8), i % 256, np.uint8)
    depth = np.full((6, 8), distance, np.float32)
    return Sample(float(i), image, distance, depth, mono, 1, priority)


def test_ring_keeps_the_newest_samples_up_to_its_size() -> None:
    config = LearnerConfig(buffer_size=60, validation_window=20, min_samples=1)
    buffer = ReplayBuffer(config, (6, 8), np.random.default_rng(0))
    for i in range(100):
        buffer.add(sample(i))
    assert len(buffer) == 60
    assert set(np.unique(buffer.images[:, 0, 0])) == set(range(40, 100))


def test_batch_needs_min_samples_and_returns_float32_depth() -> None:
    config = LearnerConfig(buffer_size=60, validation_window=20, min_samples=10)
    buffer = ReplayBuffer(config, (6, 8), np.random.default_rng(0))
    for i in range(9):
        buffer.add(sample(i))
    assert buffer.batch(4) is None
    buffer.add(sample(9, distance=3.0))
    images, distances, depth = buffer.batch(4)
    assert images.shape == (4, 6, 8) and images.dtype == np.uint8
    assert depth.dtype == np.float32 and np.all(np.isin(distances, [2.0, 3.0]))
    assert np.allclose(depth[:, 0, 0], distances)


def test_active_rule_keeps_mostly_the_samples_mono_got_wrong() -> None:
    config = LearnerConfig(buffer_size=50, validation_window=20, active=True, active_keep_right=0.0, min_samples=1)
    buffer = ReplayBuffer(config, (6, 8), np.random.default_rng(0))
    for i in range(50):  # filling up: everything is kept
        buffer.add(sample(i, mono=2.0))
    for i in range(50, 80):  # full: right ones (mono == stereo) are dropped, wrong ones kept
        buffer.add(sample(i, mono=2.0 if i % 2 else 6.0))
    assert buffer.dropped_right == 15
    kept = set(np.unique(buffer.images[:, 0, 0]))
    assert {i for i in range(50, 80) if i % 2 == 0} <= kept
    assert not {i for i in range(50, 80) if i % 2} & kept


def test_priority_samples_enter_several_times() -> None:
    config = LearnerConfig(buffer_size=60, validation_window=20, priority_repeats=3, min_samples=1)
    buffer = ReplayBuffer(config, (6, 8), np.random.default_rng(0))
    buffer.add(sample(7, priority=True))
    buffer.add(sample(8))
    assert len(buffer) == 4 and list(buffer.images[:4, 0, 0]) == [7, 7, 7, 8]
