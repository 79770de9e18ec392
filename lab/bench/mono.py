"""Speed and accuracy figures of the mono estimators (the perception bench's mono half)."""

from __future__ import annotations

import time

import numpy as np
import torch

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl.mono.evaluation import distance_errors, obstacle_auc
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl_lab.bench.stereo import median_ms


def cnn_speed(
    perception: PerceptionConfig, images: np.ndarray, distances_m: np.ndarray, depth_m: np.ndarray, repeats: int
) -> dict[str, float]:
    """Inference ms per frame (torch and onnxruntime, one thread) and training samples/s (one thread, all cores)."""
    height, width = images.shape[1:]
    trainer = CnnTrainer(perception, width, height)
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), perception)
    frame = images[:1]
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        model = trainer.model.eval()
        tensor = torch.from_numpy(frame).float()[:, None]
        with torch.no_grad():
            torch_ms = median_ms(lambda: model(tensor), repeats)
        onnx_ms = median_ms(lambda: estimator.infer(frame), repeats)
        predict_ms = median_ms(lambda: estimator.predict(frame[0]), repeats)
        batch = trainer.config.batch_size
        pick = np.arange(batch) % len(images)
        rates = {}
        for count in sorted({1, max(1, threads)}):
            torch.set_num_threads(count)
            rates[count] = _training_rate(
                trainer, images[pick], distances_m[pick], depth_m[pick], max(3, repeats // 50)
            )
    finally:
        torch.set_num_threads(threads)
        estimator.close()
    return {
        "torch_inference_ms": round(torch_ms, 4),
        "onnx_inference_ms": round(onnx_ms, 4),
        "onnx_predict_ms": round(predict_ms, 4),  # with input checks, profile and confidence
        **{f"train_samples_per_s_{n}_thread{'s' if n > 1 else ''}": round(r, 1) for n, r in rates.items()},
        "parameters": sum(p.numel() for p in trainer.model.parameters()),
    }


def _training_rate(
    trainer: CnnTrainer, images: np.ndarray, distances: np.ndarray, depth: np.ndarray, steps: int
) -> float:
    """Samples per second of full training steps (batch preparation, augmentation, forward, backward, update),
    the best of three windows: on a shared machine another process can stall a multi-threaded step for long."""
    for _ in range(3):  # warm-up
        trainer.step(images, distances, depth)
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            trainer.step(images, distances, depth)
        best = max(best, steps * len(images) / (time.perf_counter() - start))
    return best


def texton_speed(perception: PerceptionConfig, images: np.ndarray, repeats: int) -> dict[str, float]:
    """Texton features ms and kNN ms with a full ring buffer (random labels: speed does not depend on them)."""
    estimator = TextonKnnEstimator(perception)
    estimator.learn_dictionary(list(images[:20]))
    rng = np.random.default_rng(0)
    size = perception.textons.buffer_size
    features = np.stack([estimator.features(images[i % len(images)]) for i in range(min(size, 200))])
    estimator.add_features(features[rng.integers(0, len(features), size)], rng.uniform(0.3, 6.0, size))
    estimator.retrain()
    one = features[:1]
    return {
        "features_ms": round(median_ms(lambda: estimator.features(images[0]), repeats), 4),
        "knn_ms": round(median_ms(lambda: estimator.knn.predict(one), repeats), 4),
        "buffer_samples": len(estimator.knn),
    }


def mono_accuracy(
    predicted_m: np.ndarray,
    truth_label_m: np.ndarray,
    stereo_m: np.ndarray,
    truth_obstacle_m: np.ndarray,
    avoid_distance_m: float,
) -> dict[str, float | None]:
    """Errors against ground truth and against stereo, and the ROC AUC of "obstacle within avoid distance"."""
    vs_truth = distance_errors(predicted_m, truth_label_m)
    vs_stereo = distance_errors(predicted_m, stereo_m)
    auc = obstacle_auc(predicted_m, truth_obstacle_m, avoid_distance_m)
    return {
        "median_abs_error_vs_truth_m": round(vs_truth["median_abs_m"], 4),
        "median_abs_log_error_vs_truth": round(vs_truth["median_abs_log"], 4),
        "bad_share_vs_truth": round(vs_truth["bad_share"], 4),
        "median_abs_error_vs_stereo_m": round(vs_stereo["median_abs_m"], 4),
        "coverage": round(vs_truth["coverage"], 4),
        "obstacle_roc_auc": None if auc is None else round(auc, 4),
    }
