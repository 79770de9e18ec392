"""Offline training helpers: epochs of CNN steps, texton buffer filling, batch prediction with gaps."""

from __future__ import annotations

import dataclasses

import numpy as np

from drone_ssl.mono import CnnTrainer, MonoReading, TextonKnnEstimator
from drone_ssl_app.config import load_config
from drone_ssl_lab.training.offline import fit_cnn, fit_textons, predict_all

PERCEPTION = load_config().perception


def test_fit_cnn_takes_shuffled_batches_for_each_epoch(walls) -> None:
    images, distances = walls(10)
    perception = dataclasses.replace(PERCEPTION, cnn=dataclasses.replace(PERCEPTION.cnn, batch_size=4))
    trainer = CnnTrainer(perception, 128, 96)
    steps = fit_cnn(trainer, images, distances, None, epochs=2, rng=np.random.default_rng(0))
    assert steps == 6 and trainer.stats["samples"] == 20
    assert trainer.learning_rate == perception.cnn.learning_rate  # the schedule is undone for online use


def test_fit_textons_uses_labelled_frames_only(walls) -> None:
    images, distances = walls(30)
    distances[::3] = np.nan
    estimator = TextonKnnEstimator(PERCEPTION)
    assert fit_textons(estimator, images, distances) == 20
    assert estimator.ready and len(estimator.knn) == 20


class Alternating:
    def __init__(self) -> None:
        self.calls = 0

    def predict(self, left: np.ndarray) -> MonoReading:
        self.calls += 1
        return MonoReading(distance_m=None if self.calls % 2 else 2.0, confidence=0.5)


def test_predict_all_marks_missing_estimates_nan() -> None:
    out = predict_all(Alternating(), np.zeros((4, 96, 128), np.uint8))
    assert np.isnan(out[[0, 2]]).all() and (out[[1, 3]] == 2.0).all()
