"""Assemble the loop from a config: estimator and its learner, stereo labeler, arbiter, behaviour, pilot."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from drone_ssl.arbiter import Arbiter
from drone_ssl.behaviour import AvoidanceBehaviour
from drone_ssl.config import BrainConfig
from drone_ssl.drone import Drone
from drone_ssl.errors import DroneSSLError
from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.learner.backends import CnnBackend, TextonBackend, TrainingBackend
from drone_ssl.learner.online import OnlineLearner
from drone_ssl.learner.training_process import TrainingProcess
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl.pilot import Evaluator, Pilot
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl.stereo.rectifier import Rectifier

ESTIMATORS = ("cnn", "textons")


def make_backend(config: BrainConfig, estimator: str, model: Path | None) -> TrainingBackend:
    """The mono estimator (fresh, or loaded from `model`) with the half of the learner that trains it."""
    perception, camera = config.perception, config.camera
    if estimator == "cnn":
        training = TrainingProcess(config.learner, perception, (camera.width, camera.height), model)
        try:
            onnx_bytes, metadata = training.export()  # inference starts from the very weights training starts from
            return CnnBackend(training, CnnEstimator(onnx_bytes, metadata, perception))
        except BaseException:
            training.close()
            raise
    if estimator == "textons":
        textons = TextonKnnEstimator.load(model, perception) if model is not None else TextonKnnEstimator(perception)
        return TextonBackend(config.learner, textons)
    raise DroneSSLError(f"unknown estimator {estimator!r}; choose one of: {', '.join(ESTIMATORS)}")


def labeler_for_stream(calibration: StereoCalibration, config: BrainConfig) -> StereoLabeler:
    """A labeler for pairs that were rectified with `calibration` and then resized to the camera config's size:
    the rectified focal length scales with the resize, the baseline does not."""
    rectified = Rectifier(calibration)
    width, height = config.camera.width, config.camera.height
    focal = rectified.focal_px * width / calibration.image_size[0]
    hfov_deg = math.degrees(2 * math.atan((width / 2) / focal))
    ideal = StereoCalibration.ideal(width, height, hfov_deg, rectified.baseline_m)
    return StereoLabeler(ideal, config.perception)


def build_pilot(
    drone: Drone,
    config: BrainConfig,
    labeler: StereoLabeler,
    estimator: str = "cnn",
    model: Path | None = None,
    lock_step: bool = True,
    evaluator: Evaluator | None = None,
    seed: int = 0,
    log: FlightLogWriter | None = None,
) -> Pilot:
    """Everything the loop needs, wired the same way for the simulator and the real drone."""
    if config.arbiter.strategy == "mono" and model is None:
        raise DroneSSLError("strategy 'mono' flies a given model from the first frame: pass --model PATH")
    backend = make_backend(config, estimator, model)
    arbiter = Arbiter.from_config(config)  # the camera's field of view too: obstacles beside the centre count
    # The pilot hands the learner the distances the arbiter decided on: what is validated is what flies.
    learner = OnlineLearner(
        config.learner,
        config.perception,
        backend,
        given_model=model is not None,
        clear_level_m=arbiter.stereo_clear_m,
    )
    behaviour = AvoidanceBehaviour(config.behaviour, np.random.default_rng(seed))
    return Pilot(
        drone,
        labeler,
        backend.estimator,
        learner,
        arbiter,
        behaviour,
        frame_period_s=drone.frame_period_s,
        lock_step=lock_step,
        evaluator=evaluator,
        log=log,
    )
