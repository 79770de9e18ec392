"""Check every file the user hands a flight (model, calibration) in the main process, before anything connects."""

from __future__ import annotations

from pathlib import Path

from drone_ssl.mono.checkpoint import CheckpointError
from drone_ssl_app.config import Config

MODEL_SUFFIXES = {"cnn": ".pt", "textons": ".npz"}


def check_flight_inputs(config: Config, estimator: str, model: Path | None, calib: Path | None) -> None:
    """Raise a typed error naming the file and what is wrong; return quietly when everything can be used.

    The model is loaded as the flight will load it (checked against the camera size and the label definition,
    and a CNN is run on a probe image), so a bad file stops the run here with one line, not in the trainer."""
    if model is not None:
        check_model_file(config, estimator, model)
    if calib is not None:
        from drone_ssl.stereo.calibration import StereoCalibration

        StereoCalibration.load(calib)


def check_model_file(config: Config, estimator: str, path: Path) -> None:
    expected = MODEL_SUFFIXES.get(estimator)
    if expected is not None and path.suffix.lower() != expected:
        kinds = {".onnx": "an ONNX export (inference only; training resumes from the .pt checkpoint)",
                 ".pt": "a CNN checkpoint", ".npz": "a texton model"}  # fmt: skip
        kind = kinds.get(path.suffix.lower(), "not a model file")
        raise CheckpointError(f"--model {path} is {kind}; --estimator {estimator} needs a {expected} file")
    camera = config.camera
    if estimator == "cnn":
        from drone_ssl.mono.checkpoint import load_checkpoint

        _, metadata = load_checkpoint(path)
        metadata.check_compatible(camera.width, camera.height, config.perception)
    elif estimator == "textons":
        from drone_ssl.mono.texton_estimator import TextonKnnEstimator

        TextonKnnEstimator.load(path, config.perception)
