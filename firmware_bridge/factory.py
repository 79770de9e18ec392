"""Build the real drone a script asked for: `--drone HOST --stereo URL [--stereo-right URL] --calib FILE`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from drone_ssl.config.schema import Config
from drone_ssl.drone import Drone
from drone_ssl.stereo.calibration import StereoCalibration
from firmware_bridge.ardrone2 import ARDrone2
from firmware_bridge.bebop import Bebop2
from firmware_bridge.stereo_stream import StereoStream


def real_drone(
    config: Config,
    host: str,
    stereo: str | int,
    calibration: str | Path,
    stereo_right: str | int | None = None,
) -> Drone:
    """An unconnected `ARDrone2` (or `Bebop2` for bridge.backend=bebop2) reading rectified pairs of the stack's
    camera size from the stereo stream; raises CalibrationError / ConfigError naming what is wrong."""
    bridge = replace(config.bridge, host=host)
    layout = "two_streams" if stereo_right is not None else bridge.stereo.layout
    stream = StereoStream(
        stereo,
        stereo_right,
        StereoCalibration.load(calibration),
        layout=layout,
        output_size=(config.camera.width, config.camera.height),
        frame_timeout_s=bridge.stereo.frame_timeout_s,
    )
    backend = Bebop2 if bridge.backend == "bebop2" else ARDrone2
    return backend(bridge, config.drone, stream)
