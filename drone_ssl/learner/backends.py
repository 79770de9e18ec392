"""How each mono estimator learns: CNN gradient steps on a replay buffer, or texton kNN ring-buffer refits."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from drone_ssl.config.learner import LearnerConfig
from drone_ssl.learner.buffer import ReplayBuffer, Sample
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl.mono.reading import MonoEstimator
from drone_ssl.mono.texton_estimator import TextonKnnEstimator


class TrainingBackend(Protocol):
    """The estimator-specific half of the online learner."""

    estimator: MonoEstimator
    model_file: str

    def add(self, sample: Sample) -> None:
        """A sample joins the training set (it has left the validation window)."""
        ...

    def train_step(self) -> bool:
        """One unit of training work; False when there is nothing to learn from yet."""
        ...

    def has_news(self) -> bool:
        """Whether something was learned since the last publish."""
        ...

    def publish(self, wait: bool) -> None:
        """Hand what was learned to inference (atomically); `wait` for it to be in use (lock-step simulation)."""
        ...

    def save(self, path: Path) -> None:
        """Write the trained model."""
        ...


class CnnBackend:
    """Gradient steps on random replay batches; new weights reach the ONNX estimator by a non-blocking swap."""

    model_file = "mono_cnn.pt"

    def __init__(self, config: LearnerConfig, trainer: CnnTrainer, estimator: CnnEstimator) -> None:
        self.config = config
        self.trainer = trainer
        self.estimator = estimator
        rng = np.random.default_rng(config.seed)
        self.buffer = ReplayBuffer(config, (trainer.height, trainer.width), rng)
        self._news = False

    def add(self, sample: Sample) -> None:
        self.buffer.add(sample)

    def train_step(self) -> bool:
        batch = self.buffer.batch(self.config.batch_size)
        if batch is None:
            return False
        images, distances, depth = batch
        self.trainer.step(images, distances, depth)
        self._news = True
        return True

    def has_news(self) -> bool:
        return self._news

    def publish(self, wait: bool) -> None:
        self._news = False
        future = self.estimator.swap(self.trainer.export_onnx(), self.trainer.metadata())
        if wait:
            future.result()

    def save(self, path: Path) -> None:
        self.trainer.save(path)


class TextonBackend:
    """The paper's estimator: samples go into its kNN ring buffer, which refits in batches by itself."""

    model_file = "mono_textons.npz"

    def __init__(self, config: LearnerConfig, estimator: TextonKnnEstimator) -> None:
        self.config = config
        self.estimator = estimator
        self._news = False

    def add(self, sample: Sample) -> None:
        for _ in range(self.config.priority_repeats if sample.priority else 1):
            self.estimator.add(sample.left, sample.distance_m)
        self._news = True

    def train_step(self) -> bool:
        return False  # no gradient steps: the kNN refits itself every perception.textons.retrain_every samples

    def has_news(self) -> bool:
        return self._news and self.estimator.ready

    def publish(self, wait: bool) -> None:
        self._news = False
        self.estimator.retrain()

    def save(self, path: Path) -> None:
        self.estimator.save(path)
