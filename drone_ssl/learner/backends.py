"""How each mono estimator learns: CNN gradient steps in a training process, or texton kNN ring-buffer refits."""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

from drone_ssl.config.learner import LearnerConfig
from drone_ssl.learner.buffer import Sample
from drone_ssl.learner.training_process import TrainingProcess
from drone_ssl.mono.checkpoint import CheckpointError
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.reading import MonoEstimator
from drone_ssl.mono.texton_estimator import TextonKnnEstimator

log = logging.getLogger(__name__)


class TrainingBackend(Protocol):
    """The estimator-specific half of the online learner. Requests take effect in the order they are made."""

    estimator: MonoEstimator
    model_file: str

    def add(self, sample: Sample) -> None:
        """A sample joins the training set (it has left the validation window)."""
        ...

    def run_steps(self, count: int) -> None:
        """Start `count` training steps (asynchronously where the estimator trains elsewhere)."""
        ...

    def sync(self, timeout_s: float | None = None) -> int:
        """Wait (at most `timeout_s`, raising DroneSSLError past it) for the steps started so far; the number of
        steps done since the start."""
        ...

    @property
    def alive(self) -> bool:
        """Whether the trainer can still answer (a save is worth trying)."""
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

    def close(self) -> None:
        """Release what training holds (a process, threads)."""
        ...


class CnnBackend:
    """Gradient steps run in a child process that owns the replay buffer; new weights come back as ONNX and
    reach the estimator by a non-blocking swap, so inference never waits for training."""

    model_file = "mono_cnn.pt"

    def __init__(self, training: TrainingProcess, estimator: CnnEstimator) -> None:
        self.training = training
        self.estimator = estimator
        self._steps_published = 0
        self._steps = 0
        self.refused = 0  # published weights the estimator refused (e.g. NaN outputs after divergence)

    def add(self, sample: Sample) -> None:
        self.training.add(sample)

    def run_steps(self, count: int) -> None:
        self.training.steps(count)

    def sync(self, timeout_s: float | None = None) -> int:
        self._steps = self.training.sync(timeout_s)
        return self._steps

    @property
    def alive(self) -> bool:
        return self.training.alive

    def has_news(self) -> bool:
        return self.sync() > self._steps_published

    def publish(self, wait: bool) -> None:
        onnx_bytes, metadata = self.training.export()
        self._steps_published = self._steps
        future = self.estimator.swap(onnx_bytes, metadata)
        future.add_done_callback(self._note_refusal)
        if wait:
            future.exception()  # wait; a refused model leaves the current one flying (noted, not raised)

    def _note_refusal(self, future: Future) -> None:
        error = future.exception()
        if isinstance(error, CheckpointError):
            self.refused += 1
            log.warning("new weights refused, the previous ones keep flying: %s", error)
        elif error is not None:
            log.error("swapping in new weights failed: %s", error)

    def save(self, path: Path) -> None:
        self.training.save(path)

    def close(self) -> None:
        self.training.close()
        self.estimator.close()


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

    def run_steps(self, count: int) -> None:
        return  # no gradient steps: the kNN refits itself every perception.textons.retrain_every samples

    def sync(self, timeout_s: float | None = None) -> int:
        return 0

    @property
    def alive(self) -> bool:
        return True

    def has_news(self) -> bool:
        return self._news and self.estimator.ready

    def publish(self, wait: bool) -> None:
        self._news = False
        self.estimator.retrain()

    def save(self, path: Path) -> None:
        self.estimator.save(path)

    def close(self) -> None:
        return  # nothing held beyond memory
