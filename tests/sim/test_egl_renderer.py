"""sim.renderer=egl renders the room (meshes go to the EGL plugin as OBJ files: it crashed on vertex arrays)."""

from __future__ import annotations

import numpy as np
import pytest
from scene_config import make_config

from drone_ssl.errors import DroneError
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl.types import Command
from drone_ssl_sim.errors import SimError
from drone_ssl_sim.sim_drone import SimDrone


def test_egl_frames_give_stereo_depth_close_to_the_truth():
    config = make_config("sim.renderer=egl", "sim.textures.size_px=128")
    drone = SimDrone(config, seed=3)
    try:
        drone.connect()
    except (DroneError, SimError) as e:
        pytest.skip(f"no EGL here: {e}")
    try:
        drone.takeoff()
        drone.send(Command(pitch=-0.2, yaw=0.3))
        labeler = StereoLabeler.ideal(config.camera, config.perception)
        errors = []
        for _ in range(10):
            observation = drone.read()
            truth = drone.ground_truth()
            depth = labeler.read(observation.left, observation.right).depth_m
            valid = np.isfinite(depth) & (truth.depth < 5.0)
            errors.append(float(np.median(np.abs(depth[valid] - truth.depth[valid]))))
        assert observation.left.std() > 5.0  # textured, not a blank frame
        assert np.median(errors) < 0.3  # metres: the rig's calibration holds for the OpenGL images too
    finally:
        drone.close()
