"""Stereo vision: calibration, disparity matching and distance labels (the trusted cue)."""

from drone_ssl.stereo.calibration import CalibrationError, StereoCalibration
from drone_ssl.stereo.labeler import StereoLabeler, matcher_from_config
from drone_ssl.stereo.matcher import StereoMatcher
from drone_ssl.stereo.reading import StereoReading
from drone_ssl.stereo.rectifier import Rectifier
from drone_ssl.vision.image_input import ImageInputError

__all__ = [
    "CalibrationError",
    "ImageInputError",
    "Rectifier",
    "StereoCalibration",
    "StereoLabeler",
    "StereoMatcher",
    "StereoReading",
    "matcher_from_config",
]
