"""The brain's own configuration: the camera it sees through and how it perceives, learns, decides and logs."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.camera import CameraConfig
from drone_ssl.config.flight import ArbiterConfig, BehaviourConfig
from drone_ssl.config.flightlog import FlightLogConfig
from drone_ssl.config.learner import LearnerConfig
from drone_ssl.config.loader import section
from drone_ssl.config.perception import PerceptionConfig


@dataclass(frozen=True)
class BrainConfig:
    """The sections the brain reads; a device's settings live beside the device, and the app composes them all."""

    camera: CameraConfig = section(CameraConfig)
    perception: PerceptionConfig = section(PerceptionConfig)
    learner: LearnerConfig = section(LearnerConfig)
    arbiter: ArbiterConfig = section(ArbiterConfig)
    behaviour: BehaviourConfig = section(BehaviourConfig)
    log: FlightLogConfig = section(FlightLogConfig)
