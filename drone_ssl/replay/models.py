"""Open a trained mono model file for replay (a CNN .pt or .onnx, a texton + kNN .npz) and its scoring threshold."""

from __future__ import annotations

from pathlib import Path

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.learner.backends import CnnBackend, TextonBackend
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.reading import MonoEstimator
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl.replay.errors import ReplayError

# The file names a trained model gets in a run folder, the same as after a flight.
MODEL_FILES = {"cnn": CnnBackend.model_file, "textons": TextonBackend.model_file}


def load_estimator(path: Path, perception: PerceptionConfig, shape: tuple[int, int]) -> MonoEstimator:
    """The model at `path`, checked against the images' (height, width) and the label definition
    (CheckpointError on a mismatch). Close a CnnEstimator after use."""
    if not path.is_file():
        raise ReplayError(f"model {path} does not exist; pass a trained model (mono_cnn.pt or mono_textons.npz)")
    if path.suffix == ".pt":
        height, width = shape
        return CnnEstimator.from_checkpoint(path, perception, width, height)
    if path.suffix == ".onnx":  # an exported network with its metadata: evaluates like its .pt
        height, width = shape
        return CnnEstimator.from_onnx(path, perception, width, height)
    if path.suffix == ".npz":
        return TextonKnnEstimator.load(path, perception)
    raise ReplayError(
        f"model {path} is neither a CNN checkpoint (.pt), an exported CNN (.onnx) nor a texton model (.npz)"
    )


def scoring_threshold(explicit_m: float | None, estimator: MonoEstimator, avoid_m: float) -> tuple[float, str]:
    """The distance under which the model's reading means "obstacle", and where it comes from: --threshold, else
    the one the model carries (its last validation, in flight or in retraining), else the avoidance distance."""
    if explicit_m is not None:
        return explicit_m, "--threshold"
    carried = estimator.metadata.obstacle_threshold_m if isinstance(estimator, CnnEstimator) else None
    if carried is not None:
        return float(carried), "the model's validated threshold"
    return avoid_m, "the avoidance distance: the model carries no validated threshold"


def close_estimator(estimator: MonoEstimator) -> None:
    if isinstance(estimator, CnnEstimator):
        estimator.close()
