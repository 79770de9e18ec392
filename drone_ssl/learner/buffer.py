"""Bounded replay buffer of stereo-labelled frames for CNN training, with the paper's optional active rule."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from drone_ssl.config.learner import LearnerConfig

Batch = tuple[np.ndarray, np.ndarray, np.ndarray]  # images (B,H,W) uint8, distances (B,), depth (B,H,W) float32


@dataclass(frozen=True)
class Sample:
    """One self-supervised sample: the left image and what stereo said about it (never ground truth)."""

    t: float
    left: np.ndarray  # HxW uint8
    distance_m: float  # stereo nearest-obstacle label
    depth_m: np.ndarray | None  # HxW stereo depth, NaN where invalid (inf = beyond range)
    mono_m: float  # what the mono estimate said on this frame when it flew (NaN if nothing)
    mono_round: int = 0  # the learning round whose weights made mono_m (0: untrained)
    priority: bool = False  # a training-wheel override frame: mono missed an obstacle stereo saw
    # The distances the arbiter's obstacle decision compares (centre lowered by the corridor): what is validated
    mono_decision_m: float = math.nan
    stereo_decision_m: float = math.nan
    mono_flew: bool = False  # the frame was flown on mono: the drone's path depended on mono's own decisions


class ReplayBuffer:
    """A bounded training store, oldest overwritten first. Thread-safe: the pilot adds while a background
    learner samples batches."""

    def __init__(self, config: LearnerConfig, shape: tuple[int, int], rng: np.random.Generator) -> None:
        self.config = config
        self.rng = rng
        h, w = shape
        n = config.buffer_size
        self.images = np.zeros((n, h, w), np.uint8)
        self.depth = np.full((n, h, w), np.nan, np.float16)  # half precision: labels are far coarser than that
        self.distances = np.full(n, np.nan)
        self.size = 0
        self._next = 0  # ring position of the next write
        self.dropped_right = 0  # samples the active rule left out
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self._store(sample)

    def _store(self, sample: Sample) -> None:
        if self._skip_by_active_rule(sample):
            self.dropped_right += 1
            return
        for _ in range(self.config.priority_repeats if sample.priority else 1):
            i = self._next
            self.images[i] = sample.left
            self.distances[i] = sample.distance_m
            if sample.depth_m is None:
                self.depth[i] = np.nan
            else:
                self.depth[i] = np.clip(sample.depth_m, 0.0, 6e4)  # float16 tops out near 65504
            self._next = (i + 1) % self.config.buffer_size
            self.size = min(self.size + 1, self.config.buffer_size)

    def _skip_by_active_rule(self, sample: Sample) -> bool:
        """The paper's active learning: once full, mostly keep the samples the mono estimate got wrong."""
        if not self.config.active or sample.priority or self.size < self.config.buffer_size:
            return False
        if not (math.isfinite(sample.mono_m) and sample.mono_m > 0):
            return False  # no estimate to judge: keep it
        error = abs(math.log(sample.mono_m / sample.distance_m))
        return error <= self.config.active_error and self.rng.random() >= self.config.active_keep_right

    def batch(self, size: int) -> Batch | None:
        """A random training batch (images, distances, depth as float32), or None while too few samples."""
        with self._lock:
            if self.size < max(1, self.config.min_samples):
                return None
            index = self.rng.integers(0, self.size, size=min(size, self.size))
            return self.images[index].copy(), self.distances[index].copy(), self.depth[index].astype(np.float32)

    def __len__(self) -> int:
        return self.size
