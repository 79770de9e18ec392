"""Stereo on pairs rendered by the simulator, against the known geometry (the renderer's true depth)."""

from __future__ import annotations

import numpy as np
import pytest

from drone_ssl.stereo import ImageInputError, StereoLabeler
from drone_ssl.types import Command
from drone_ssl.vision.distance_labels import central_region
from drone_ssl_app.config import load_config

sim_drone = pytest.importorskip("drone_ssl_sim.sim_drone")


@pytest.fixture(scope="module")
def frames():
    """Eight stereo frames with ground truth, turning on the spot at takeoff height."""
    config = load_config()
    out = []
    with sim_drone.SimDrone(config) as drone:
        drone.takeoff()
        drone.send(Command(yaw=0.8))
        for _ in range(8):
            for _ in range(2):
                observation = drone.read()
            out.append((observation, drone.ground_truth()))
    return config, out


def test_disparity_matches_the_rendered_geometry(frames) -> None:
    config, shots = frames
    stereo = StereoLabeler.ideal(config.camera, config.perception)
    fb = stereo.rectifier.focal_px * stereo.rectifier.baseline_m
    for observation, truth in shots:
        disparity = stereo.read(observation.left, observation.right).disparity
        error = disparity - fb / truth.depth
        valid = np.isfinite(error)
        assert valid.mean() > 0.7
        assert np.median(np.abs(error[valid])) < 0.4  # pixels
        assert (np.abs(error[valid]) > 2.0).mean() < 0.05  # gross mismatches


def test_labels_match_the_ideal_label_of_the_true_depth(frames) -> None:
    config, shots = frames
    stereo = StereoLabeler.ideal(config.camera, config.perception)
    errors = []
    for observation, truth in shots:
        reading = stereo.read(observation.left, observation.right)
        assert reading.available and reading.distance_m is not None
        errors.append(abs(np.log(reading.distance_m / stereo.ideal_distance(truth.depth))))
    # SGBM's sub-pixel estimate locks towards whole pixels on the renderer's textures; the nearest rule takes the
    # near tail of that noise (measured over these 8 frames: median 3 %, worst 12 %, mostly near); a wrong
    # scale, sign or unit would be off by far more.
    assert np.median(errors) < 0.06 and max(errors) < 0.2


def test_a_cut_right_camera_gives_no_stereo_reading(frames) -> None:
    config, shots = frames
    stereo = StereoLabeler.ideal(config.camera, config.perception)
    with pytest.raises(ImageInputError, match="no right image"):
        stereo.read(shots[0][0].left, None)


def test_a_plain_room_gives_no_wrong_label() -> None:
    """Plain walls carry only shading and edges: labels may be missing, never too far, and too near only where a
    real obstacle just under the rule's 5 % share grows past it by the matching window's edge fattening."""
    config = load_config(overrides=["sim.textures.mode=plain"])
    stereo = StereoLabeler.ideal(config.camera, config.perception)
    fb = stereo.rectifier.focal_px * stereo.rectifier.baseline_m
    s = config.perception.stereo
    labelled = 0
    with sim_drone.SimDrone(config) as drone:
        drone.takeoff()
        drone.send(Command(yaw=0.6))
        for _ in range(30):
            observation = drone.read()
            reading = stereo.read(observation.left, observation.right)
            if reading.distance_m is None:
                continue
            labelled += 1
            depth = drone.ground_truth().depth
            truth = stereo.ideal_distance(depth)
            error = np.log(reading.distance_m / truth)
            assert error < 0.25  # never farther than the truth
            if error < -0.25:  # nearer: an obstacle at the label's distance must cover >= 2 % of the region
                rows, cols = central_region(depth.shape, s.roi_width, s.roi_height)
                near = fb / depth[rows, cols] > fb / reading.distance_m - 0.5
                assert near.mean() > 0.02
    assert labelled >= 10  # shading and edges are matched: a plain room is not blind
