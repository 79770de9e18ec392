"""Speed and accuracy figures of the stereo cue (the perception bench's stereo half)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import cv2
import numpy as np

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.mono.evaluation import distance_errors, obstacle_auc
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.stereo.labeler import StereoLabeler


def median_ms(call: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    """Median wall time of `call` in milliseconds."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000.0 * float(np.median(times))


def real_rig(calibration: StereoCalibration) -> StereoCalibration:
    """The ideal rig with the small misalignment and distortion of a real one, so rectification does real work."""
    R = np.array([[1.0, -0.004, 0.002], [0.004, 1.0, -0.006], [-0.002, 0.006, 1.0]])
    D = np.array([[-0.05, 0.01, 0.0, 0.0, 0.0]])
    return StereoCalibration(calibration.image_size, calibration.K1, D, calibration.K2, D.copy(), R, calibration.T)


def matching_ms(
    left: np.ndarray, right: np.ndarray, calibration: StereoCalibration, perception: PerceptionConfig, repeats: int
) -> dict[str, float]:
    """ms per frame of rectify + match + label for BM and SGBM on one core; the disparity range scales with the
    image width. OpenCV's own threads are turned off for the measurement: the budget is one core."""
    scale = left.shape[1] / 128.0
    out = {}
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        for method in ("bm", "sgbm"):
            stereo = dataclasses.replace(
                perception.stereo,
                method=method,
                max_disparity=max(1, round(perception.stereo.max_disparity * scale)),
                speckle_window=round(perception.stereo.speckle_window * scale * scale),
            )
            labeler = StereoLabeler(real_rig(calibration), dataclasses.replace(perception, stereo=stereo), rectify=True)
            out[f"{method}_ms"] = round(median_ms(lambda lab=labeler: lab.read(left, right), repeats), 3)
    finally:
        cv2.setNumThreads(threads)
    return out


def label_accuracy(
    stereo_m: np.ndarray, truth_label_m: np.ndarray, truth_obstacle_m: np.ndarray, avoid_distance_m: float
) -> dict[str, float]:
    """Stereo labels against the same label computed on the true depth, and as an obstacle detector."""
    errors = distance_errors(stereo_m, truth_label_m)
    return {
        "median_abs_error_m": round(errors["median_abs_m"], 4),
        "median_abs_log_error": round(errors["median_abs_log"], 4),
        "bad_label_share": round(errors["bad_share"], 4),
        "label_coverage": round(errors["coverage"], 4),
        "obstacle_roc_auc": _round(obstacle_auc(stereo_m, truth_obstacle_m, avoid_distance_m)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
