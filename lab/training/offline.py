"""Offline training and batch prediction of the mono estimators on a recorded set of frames."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl.mono.reading import MonoEstimator
from drone_ssl.mono.texton_estimator import TextonKnnEstimator


def fit_cnn(
    trainer: CnnTrainer,
    images: np.ndarray,
    distances_m: np.ndarray,
    depth_m: np.ndarray | None,
    epochs: int,
    rng: np.random.Generator,
    final_lr_share: float = 0.05,
    on_step: Callable[[], None] | None = None,
) -> int:
    """`epochs` shuffled passes of gradient steps over (B,H,W) images with stereo labels (NaN: none) and stereo
    depth (NaN: invalid), the learning rate decaying on a cosine to `final_lr_share` of the configured one (a
    settled end point instead of wherever the last noisy step left the weights); returns the steps taken.
    `on_step` is called after each step (a progress bar)."""
    batch = trainer.config.batch_size
    base = trainer.config.learning_rate
    total = epochs * -(-len(images) // batch)
    steps = 0
    for _ in range(epochs):
        order = rng.permutation(len(images))
        for start in range(0, len(order), batch):
            progress = steps / max(1, total - 1)
            trainer.learning_rate = base * (
                final_lr_share + (1 - final_lr_share) * 0.5 * (1 + math.cos(math.pi * progress))
            )
            pick = np.sort(order[start : start + batch])
            trainer.step(images[pick], distances_m[pick], None if depth_m is None else depth_m[pick])
            steps += 1
            if on_step is not None:
                on_step()
    trainer.learning_rate = base
    return steps


def fit_textons(estimator: TextonKnnEstimator, images: np.ndarray, distances_m: np.ndarray) -> int:
    """Learn the dictionary from the labelled frames (if it has none), fill the ring buffer, refit; returns the
    number of samples used."""
    labelled = np.flatnonzero(np.isfinite(distances_m) & (distances_m > 0))
    if estimator.dictionary is None and labelled.size:
        step = max(1, labelled.size // 50)  # a spread of frames is enough for 10 + 10 textons
        estimator.learn_dictionary(list(images[labelled[::step]]))
    for i in labelled:
        estimator.add(images[i], float(distances_m[i]))
    estimator.retrain()
    return int(labelled.size)


def predict_all(estimator: MonoEstimator, images: np.ndarray) -> np.ndarray:
    """Predicted distance per image, NaN where the estimator gives none."""
    out = np.full(len(images), np.nan)
    for i, image in enumerate(images):
        reading = estimator.predict(image)
        if reading.distance_m is not None:
            out[i] = reading.distance_m
    return out
