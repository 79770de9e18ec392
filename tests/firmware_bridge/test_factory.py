"""`real_drone` wires config, calibration and stereo stream into the backend the config names."""

from dataclasses import replace

import pytest

from drone_ssl.errors import DroneError
from drone_ssl.stereo.calibration import CalibrationError, StereoCalibration
from drone_ssl.types import Command
from drone_ssl_app.config import load_config
from drone_ssl_bridge.ardrone2.drone import ARDrone2
from drone_ssl_bridge.ardrone2.front_camera import FrontCamera
from drone_ssl_bridge.bebop2.drone import Bebop2
from drone_ssl_bridge.factory import real_drone
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, KinematicBody, Timing


def test_flies_the_emulator_with_the_stacks_image_size(tmp_path):
    config = load_config(overrides=["camera.width=64", "camera.height=48", "drone.takeoff_altitude_m=0.4"])
    calib = tmp_path / "calib.yaml"
    StereoCalibration.ideal(128, 96, 60.0, 0.06).save(calib)
    with ARDroneEmulator(KinematicBody(config.drone), EmulatorPorts.ephemeral(), model=config.drone,
                         timing=Timing(demo_hz=60.0), time_scale=4.0) as emu:  # fmt: skip
        p = emu.ports
        config = replace(
            config, bridge=replace(config.bridge, at_port=p.at, navdata_port=p.navdata, config_port=p.config)
        )
        drone = real_drone(config, "127.0.0.1", emu.stereo_url, calib)
        assert isinstance(drone, ARDrone2)
        with drone:
            drone.takeoff()
            drone.send(Command(yaw=0.2))
            obs = drone.read()
        assert obs.left.shape == obs.right.shape == (48, 64) and obs.state.flying
        assert emu.wait_until(lambda m: not m.airborne, 5.0)


def test_backend_and_calibration_errors(tmp_path):
    config = load_config(overrides=["bridge.backend=bebop2"])
    calib = tmp_path / "calib.yaml"
    StereoCalibration.ideal(128, 96, 60.0, 0.06).save(calib)
    assert isinstance(real_drone(config, "127.0.0.1", "0", calib), Bebop2)
    with pytest.raises(CalibrationError, match="does not exist"):
        real_drone(config, "127.0.0.1", "0", tmp_path / "missing.yaml")
    with pytest.raises(CalibrationError, match="--calib"):
        real_drone(config, "127.0.0.1", "0")
    with pytest.raises(DroneError, match="needs a stereo stream"):
        real_drone(config, "127.0.0.1")
    mono = real_drone(load_config(), "127.0.0.1")
    assert isinstance(mono, ARDrone2) and isinstance(mono.stereo, FrontCamera)
