"""The emulator with its real body, the PyBullet `SimDrone`: ARDrone2 flies it over the wire and reads its stereo."""

from dataclasses import replace

import numpy as np

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.types import Command
from drone_ssl_app.config import load_config
from drone_ssl_bridge.ardrone2.drone import ARDrone2
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState
from drone_ssl_bridge.cameras.stereo_stream import StereoStream
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, Timing
from drone_ssl_sim.sim_drone import SimDrone


def test_ardrone2_flies_the_simulator_through_the_emulator():
    config = load_config(overrides=["sim.obstacles.count=0"])
    emulator = ARDroneEmulator(SimDrone(config), EmulatorPorts.ephemeral(), model=config.drone,
                               timing=Timing(demo_hz=60.0), time_scale=4.0)  # fmt: skip
    with emulator:
        p = emulator.ports
        bridge = replace(BridgeConfig(), host=p.host, at_port=p.at, navdata_port=p.navdata, config_port=p.config)
        cam = config.camera
        stereo = StereoStream(
            emulator.stereo_url,
            calibration=StereoCalibration.ideal(cam.width, cam.height, cam.hfov_deg, cam.baseline_m),
        )
        with ARDrone2(bridge, config.drone, stereo) as drone:
            drone.takeoff()
            assert drone.state().altitude > 0.5
            x0 = emulator.machine.body_state.position[0]
            for _ in range(8):
                obs = drone.read()
                drone.send(Command(pitch=-0.4))
            assert obs.left.shape == (cam.height, cam.width) and obs.right is not None
            assert np.std(obs.left) > 5.0  # the rendered room, not a blank frame
            assert obs.state.flying and obs.state.velocity[0] > 0.05  # moving forward in the body frame
            assert emulator.machine.body_state.position[0] > x0 + 0.05
        assert emulator.wait_until(lambda m: m.control is ControlState.LANDED, 5.0)
        assert not emulator.machine.body_state.flying


def test_both_bodies_report_body_frame_velocity_when_turned():
    """Navdata carries (forward, right, up): facing -y (yaw 90 deg clockwise), flying forward is +forward."""
    from drone_ssl_emulator import KinematicBody

    config = load_config(overrides=["sim.obstacles.count=0", "sim.start.yaw_deg=90"])
    for body in (SimDrone(config), KinematicBody(config.drone, config.camera, 0.1, 0)):
        with body:
            body.takeoff()
            if isinstance(body, KinematicBody):
                body.yaw = np.pi / 2
            body.send(Command(pitch=-0.5))
            for _ in range(20):
                state = body.read().state
        forward, right, _ = state.velocity
        assert forward > 0.3 and abs(right) < 0.05 * forward, (type(body).__name__, state.velocity)
