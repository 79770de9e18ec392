"""CnnTrainer with perception.cnn.train_precision bf16: it learns, and what it exports is what it predicts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from drone_ssl.mono import CnnTrainer
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_trainer import bf16_native
from drone_ssl_app.config import load_config

PERCEPTION = load_config().perception
BF16 = dataclasses.replace(PERCEPTION, cnn=dataclasses.replace(PERCEPTION.cnn, train_precision="bf16"))


def test_fp32_is_the_default_and_trains_without_autocast() -> None:
    assert PERCEPTION.cnn.train_precision == "fp32"
    assert not CnnTrainer(PERCEPTION, 128, 96).bf16


def test_bf16_only_where_the_cpu_runs_it_natively() -> None:
    assert CnnTrainer(BF16, 128, 96).bf16 == bf16_native()


@pytest.mark.skipif(not bf16_native(), reason="no native bf16 here: the trainer falls back to fp32")
def test_bf16_training_learns_and_its_export_predicts_as_it_does(walls) -> None:
    torch.set_num_threads(1)
    images, distances = walls(16, seed=1)
    depth = np.repeat(distances[:, None, None], 96 * 128).reshape(16, 96, 128).astype(np.float32)
    trainer = CnnTrainer(BF16, 128, 96, seed=0)
    trainer.step(images, distances, depth, augment_batch=False)
    first = trainer.stats["last_distance_l1"]
    for _ in range(100):
        trainer.step(images, distances, depth)
    trainer.step(images, distances, depth, augment_batch=False)
    # The fp32 test's bound (test_cnn_training): bf16 rounding must not cost the learning.
    assert trainer.stats["last_distance_l1"] < 0.7 * first
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), BF16)
    try:
        onnx_log_m = np.asarray(estimator.infer(images[:4])[0]).ravel()
    finally:
        estimator.close()
    # Inference is fp32 (the weights are fp32; only training's arithmetic was bf16).
    np.testing.assert_allclose(onnx_log_m, trainer.predict_log_distance(images[:4]).ravel(), atol=1e-4)
