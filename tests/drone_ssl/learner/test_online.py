"""Online learner: held-out window, simulated-time schedule, publishing, validation and threshold."""

from __future__ import annotations

import numpy as np
import pytest

from drone_ssl.learner.buffer import Sample
from drone_ssl.learner.online import OnlineLearner
from drone_ssl.mono.reading import MonoReading
from drone_ssl.stereo.reading import StereoReading
from drone_ssl_app.config import load_config


class CountingBackend:
    """Records what reaches training; each step 'learns' once something is there."""

    model_file = "none"

    def __init__(self) -> None:
        self.estimator = None
        self.trained: list[Sample] = []
        self.steps = 0
        self.published = 0

    def add(self, sample: Sample) -> None:
        self.trained.append(sample)

    def run_steps(self, count: int) -> None:
        if self.trained:
            self.steps += count

    def sync(self, timeout_s: float | None = None) -> int:
        return self.steps

    @property
    def alive(self) -> bool:
        return True

    def close(self) -> None:
        return

    def has_news(self) -> bool:
        return self.steps > 0

    def publish(self, wait: bool) -> None:
        self.published += 1

    def save(self, path) -> None:
        raise AssertionError("not used")


def reading(distance: float | None) -> StereoReading:
    nan = np.full((2, 2), np.nan, np.float32)
    return StereoReading(nan, nan, distance, 1.0, np.full(3, np.nan, np.float32), True)


def make(**learner) -> tuple[OnlineLearner, CountingBackend]:
    overrides = [f"learner.{k}={v}" for k, v in learner.items()]
    config = load_config(overrides=overrides)
    backend = CountingBackend()
    return OnlineLearner(config.learner, config.perception, backend), backend


def test_recent_window_is_held_out_from_training() -> None:
    learner, backend = make(validation_window=20, buffer_size=100)
    image = np.zeros((4, 4), np.uint8)
    for i in range(30):
        assert learner.observe(i * 0.1, image, reading(2.0), MonoReading(2.0, 1.0))
    assert len(learner.window) == 20 and len(backend.trained) == 10
    assert {s.t for s in backend.trained}.isdisjoint({s.t for s in learner.window})
    assert not learner.observe(3.0, image, reading(None), None)  # no stereo label: no sample
    assert not learner.observe(3.1, image, None, None)


def test_training_follows_simulated_time_not_calls() -> None:
    a, backend_a = make(validation_window=20, steps_per_sim_s=4.0, publish_every_s=1.0)
    b, backend_b = make(validation_window=20, steps_per_sim_s=4.0, publish_every_s=1.0)
    image = np.zeros((4, 4), np.uint8)
    for i in range(60):
        for learner in (a, b):
            learner.observe(i * 0.1, image, reading(2.0), MonoReading(2.0, 1.0))
        a.advance(i * 0.1)  # every frame
        if i % 10 == 9:
            b.advance(i * 0.1)  # once a second: the same work must be due
    a.stop()
    b.stop()
    assert backend_a.steps == backend_b.steps == a.steps == b.steps > 0
    assert a.rounds == b.rounds == backend_a.published > 0


def test_validation_scores_only_trained_predictions_and_rechooses_the_threshold() -> None:
    learner, _ = make(validation_window=100, target_tpr=0.9)
    image = np.zeros((4, 4), np.uint8)
    learner.rounds = 1  # predictions below come from trained weights
    rng = np.random.default_rng(0)
    for i in range(100):
        stereo = float(rng.uniform(0.5, 4.0))
        learner.observe(i * 0.1, image, reading(stereo), MonoReading(stereo * 1.1, 1.0))
    metrics = learner.validate(10.0)
    assert metrics.n == 100 and metrics.roc_auc == pytest.approx(1.0)
    assert metrics.tpr >= 0.9 and metrics.fpr <= 0.05
    assert metrics.threshold_m == pytest.approx(learner.perception.avoid_distance_m * 1.1, rel=0.1)


def test_untrained_predictions_are_not_scored() -> None:
    learner, _ = make(validation_window=50)
    image = np.zeros((4, 4), np.uint8)
    for i in range(50):
        learner.observe(i * 0.1, image, reading(1.0 + i % 3), MonoReading(2.0, 1.0))
    assert learner.validate(5.0) is None and learner.history == []


def test_a_checkpoint_the_training_process_cannot_load_is_one_typed_error(tmp_path) -> None:
    """The child reports the cause in one line (naming the file); it prints no traceback of its own."""
    from drone_ssl.learner.training_process import TrainingProcess, TrainingProcessError

    config = load_config()
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(TrainingProcessError, match=r"CheckpointError: checkpoint .*bad.pt cannot be read safely"):
        TrainingProcess(config.learner, config.perception, (config.camera.width, config.camera.height), bad)


def test_a_given_model_is_validated_on_its_first_window() -> None:
    config = load_config(overrides=["learner.validation_window=20", "learner.buffer_size=100"])
    image = np.zeros((4, 4), np.uint8)
    for given, expected_round in ((False, None), (True, 1)):
        learner = OnlineLearner(config.learner, config.perception, CountingBackend(), given_model=given)
        for i in range(20):  # no training, no publish: only the weights it started with
            learner.observe(i * 0.1, image, reading(0.8 if i % 2 else 2.5), MonoReading(0.7 if i % 2 else 2.6, 1.0))
        metrics = learner.validate(2.0)
        if expected_round is None:
            assert metrics is None  # untrained weights are never scored
        else:
            assert metrics.learning_round == expected_round and metrics.n == 20 and metrics.roc_auc == 1.0


def test_a_model_the_training_process_cannot_save_leaves_it_training(tmp_path) -> None:
    """A full disk (here: a file where the folder should be) is a SaveError; the child lives on, not 'died'."""
    from drone_ssl.errors import SaveError
    from drone_ssl.learner.training_process import TrainingProcess

    config = load_config()
    (tmp_path / "afile").write_text("x")
    process = TrainingProcess(config.learner, config.perception, (config.camera.width, config.camera.height))
    try:
        with pytest.raises(SaveError, match="afile/mono_cnn.pt"):
            process.save(tmp_path / "afile" / "mono_cnn.pt")
        assert process.alive and process.sync(timeout_s=30) == 0
        process.save(tmp_path / "mono_cnn.pt")
        assert (tmp_path / "mono_cnn.pt").stat().st_size > 0
    finally:
        process.close()
