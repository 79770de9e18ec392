"""Build the real drone a script asked for: `--drone HOST [--stereo URL [--stereo-right URL] --calib FILE]`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from drone_ssl.drone import Drone
from drone_ssl.errors import DroneError
from drone_ssl.stereo.calibration import CalibrationError, StereoCalibration
from drone_ssl_bridge.ardrone2.drone import ARDrone2
from drone_ssl_bridge.ardrone2.front_camera import FrontCamera
from drone_ssl_bridge.bebop2.drone import Bebop2
from drone_ssl_bridge.cameras.frames import StereoSource
from drone_ssl_bridge.cameras.stereo_stream import StereoStream
from drone_ssl_bridge.config import BridgeSetup


def real_drone(
    config: BridgeSetup,
    host: str,
    stereo: str | int | None = None,
    calibration: str | Path | None = None,
    stereo_right: str | int | None = None,
) -> Drone:
    """An unconnected `ARDrone2` (or `Bebop2` for bridge.backend=bebop2) reading rectified pairs of the stack's
    camera size from the stereo stream. Without a stereo stream an AR.Drone flies on its own front camera
    (mono only: Observation.right is None). Raises CalibrationError / DroneError naming what is wrong."""
    bridge = replace(config.bridge, host=host)
    size = (config.camera.width, config.camera.height)
    source: StereoSource
    if stereo is None:
        if bridge.backend == "bebop2":
            raise DroneError("the Bebop 2 backend needs a stereo stream: pass --stereo URL and --calib FILE")
        source = FrontCamera(host, bridge.video_port, size, bridge.stereo.frame_timeout_s)
    elif calibration is None:
        raise CalibrationError("a stereo stream needs its calibration: pass --calib FILE (from drone-ssl calibrate)")
    else:
        layout = "two_streams" if stereo_right is not None else bridge.stereo.layout
        calib = StereoCalibration.load(calibration)
        source = StereoStream(stereo, stereo_right, calib, layout, size, bridge.stereo.frame_timeout_s)
    backend = Bebop2 if bridge.backend == "bebop2" else ARDrone2
    return backend(bridge, config.drone, source)
