"""Stereo vision: calibration, disparity matching and distance labels (the trusted cue)."""

from drone_ssl.stereo.calibration import CalibrationError, StereoCalibration

__all__ = ["CalibrationError", "StereoCalibration"]
