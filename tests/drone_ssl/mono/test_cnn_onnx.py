"""CnnEstimator: ONNX agrees with torch, readings are sane, bad input is refused, weights swap without blocking."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from drone_ssl.mono import CheckpointError, CnnEstimator, CnnTrainer, MonoEstimator
from drone_ssl.stereo import ImageInputError
from drone_ssl_app.config import load_config

PERCEPTION = load_config().perception


@pytest.fixture(scope="module")
def trained(walls):
    images, distances = walls(16, seed=2)
    trainer = CnnTrainer(PERCEPTION, 128, 96, seed=1)
    for _ in range(5):
        trainer.step(images, distances)
    return trainer, images


def test_onnx_and_torch_agree(trained) -> None:
    trainer, images = trained
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), PERCEPTION)
    onnx_log, _, onnx_depth = estimator.infer(images)
    torch_log = trainer.predict_log_distance(images)
    np.testing.assert_allclose(onnx_log, torch_log, atol=1e-4)
    with torch.no_grad():
        _, _, torch_depth = trainer.model(torch.from_numpy(images).float()[:, None])
    np.testing.assert_allclose(onnx_depth, torch_depth.numpy(), atol=1e-4)


def test_reading_has_distance_depth_profile_and_confidence(trained) -> None:
    trainer, images = trained
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), PERCEPTION)
    assert isinstance(estimator, MonoEstimator)
    reading = estimator.predict(images[0])
    assert PERCEPTION.min_distance_m <= reading.distance_m <= PERCEPTION.max_distance_m
    assert 0.0 < reading.confidence <= 1.0
    assert reading.depth_m.shape == trainer.model.depth_grid == (6, 8)
    assert reading.profile_m.shape == (16,)  # as many bands as stereo's, from an 8-column map
    assert all(s is not None for s in reading.sectors_m())


def test_profile_bands_follow_the_map_columns() -> None:
    from drone_ssl.mono.cnn_estimator import column_profile

    np.testing.assert_array_equal(column_profile(np.arange(8.0), 16), np.repeat(np.arange(8.0), 2))
    np.testing.assert_array_equal(column_profile(np.arange(32.0), 16), np.arange(0.0, 32.0, 2))
    np.testing.assert_array_equal(column_profile(np.array([3.0, 1.0, 2.0]), 2), [1.0, 1.0])


@pytest.mark.parametrize("value", [0, 255])
def test_black_or_saturated_frames_give_no_distance(trained, value: int) -> None:
    trainer, _ = trained
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), PERCEPTION)
    reading = estimator.predict(np.full((96, 128), value, np.uint8))
    assert reading.distance_m is None and reading.confidence == 0.0


@pytest.mark.parametrize(
    "image", [np.zeros((96, 128), np.float32), np.zeros((48, 64), np.uint8), np.zeros((96, 128, 2), np.uint8)]
)
def test_bad_images_are_typed_errors(trained, image) -> None:
    trainer, _ = trained
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), PERCEPTION)
    with pytest.raises(ImageInputError):
        estimator.predict(image)


def test_swap_replaces_the_model_while_predictions_go_on(trained) -> None:
    trainer, images = trained
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), PERCEPTION)
    before = estimator.predict(images[0]).distance_m
    other = CnnTrainer(PERCEPTION, 128, 96, seed=7)
    other.step(images, np.full(16, 0.3))
    stop = threading.Event()
    seen: list[float] = []

    def keep_predicting() -> None:
        while not stop.is_set():
            seen.append(estimator.predict(images[0]).distance_m)

    worker = threading.Thread(target=keep_predicting)
    worker.start()
    try:
        estimator.swap(other.export_onnx(), other.metadata()).result(timeout=30)
    finally:
        stop.set()
        worker.join()
    assert estimator.version == 1
    after = estimator.predict(images[0]).distance_m
    assert after != pytest.approx(before)
    assert after == pytest.approx(float(np.exp(other.predict_log_distance(images[:1])[0])), rel=1e-4)
    assert seen and all(v in (pytest.approx(before), pytest.approx(after)) for v in seen)
    estimator.close()


def test_a_bad_swap_keeps_the_old_model(trained) -> None:
    trainer, images = trained
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), PERCEPTION)
    before = estimator.predict(images[0]).distance_m
    with pytest.raises(CheckpointError, match="ONNX"):
        estimator.swap(b"not an onnx graph").result(timeout=30)
    assert estimator.version == 0
    assert estimator.predict(images[0]).distance_m == before
