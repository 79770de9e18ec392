"""StereoLabeler: distance labels from synthetic pairs, no label without texture, unavailability, bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from drone_ssl.stereo import ImageInputError, StereoCalibration, StereoLabeler
from drone_ssl_app.config import load_config

CONFIG = load_config()
CAMERA = CONFIG.camera
FB = CAMERA.focal_px * CAMERA.baseline_m  # disparity (px) times depth (m)


def labeler(**stereo) -> StereoLabeler:
    perception = CONFIG.perception
    if stereo:
        perception = dataclasses.replace(perception, stereo=dataclasses.replace(perception.stereo, **stereo))
    return StereoLabeler.ideal(CAMERA, perception)


@pytest.mark.parametrize("disparity", [11.0, 6.5, 3.25, 1.75])  # quarter pixels: what render_pair shifts exactly
def test_wall_at_known_depth(pair, disparity: float) -> None:
    left, right = pair(128, 96, [(disparity, None)])
    reading = labeler().read(left, right)
    assert reading.valid and reading.available
    # SGBM's sub-pixel estimate locks towards whole pixels by up to ~0.2 px, and the nearest-bin rule takes
    # the near tail of that noise: compare in disparity, where the error does not grow with distance.
    assert -0.2 < FB / reading.distance_m - disparity < 0.45
    assert FB / np.nanmedian(reading.depth_m[:, 64:]) == pytest.approx(disparity, abs=0.2)
    assert reading.valid_fraction > 0.8


def test_obstacle_in_front_of_a_far_wall_sets_the_label(pair) -> None:
    left, right = pair(128, 96, [(1.75, None), (7.0, (56, 76, 10, 86))])
    reading = labeler().read(left, right)
    assert FB / reading.distance_m == pytest.approx(7.0, abs=0.45)
    near_left, centre, near_right = reading.sectors_m()
    assert FB / centre == pytest.approx(7.0, abs=0.45)
    assert FB / near_right == pytest.approx(1.75, abs=0.45)


def test_obstacle_on_the_left_shows_in_the_profile_only(pair) -> None:
    left, right = pair(128, 96, [(2.25, None), (8.5, (4, 30, 10, 86))])
    reading = labeler().read(left, right)
    assert FB / reading.distance_m == pytest.approx(2.25, abs=0.45)
    near_left, centre, _ = reading.sectors_m()
    assert FB / near_left == pytest.approx(8.5, abs=0.6)
    assert FB / centre == pytest.approx(2.25, abs=0.45)


def test_texture_less_gives_no_label_and_then_unavailable() -> None:
    flat = np.full((96, 128), 90, np.uint8)
    stereo = labeler(unavailable_after=3)
    readings = [stereo.read(flat, flat) for _ in range(3)]
    assert all(r.distance_m is None and not r.valid for r in readings)
    assert [r.available for r in readings] == [True, True, False]
    assert np.isnan(readings[0].profile_m).all()


def test_a_label_makes_stereo_available_again(pair) -> None:
    stereo = labeler(unavailable_after=2)
    black = np.zeros((96, 128), np.uint8)
    stereo.read(black, black)
    assert not stereo.read(black, black).available
    assert stereo.read(*pair(128, 96, [(5.0, None)])).available


def test_a_missing_right_image_is_refused_not_read_as_an_unavailable_stereo(pair) -> None:
    """No right image means no stereo reading (the arbiter's stereo=None, SAFE lands); an unavailable reading
    would say the images arrive without texture (SAFE looks around): two facts the labeler must not merge."""
    stereo = labeler()
    with pytest.raises(ImageInputError, match="no right image"):
        stereo.read(pair(128, 96, [(5.0, None)])[0], None)
    assert stereo.available and stereo.read(*pair(128, 96, [(5.0, None)])).available


def test_image_size_must_match_the_calibration(pair) -> None:
    left, right = pair(160, 120, [(5.0, None)])
    with pytest.raises(ImageInputError, match="128x96 is expected"):
        labeler().read(left, right)


def test_raw_pairs_are_rectified_with_the_calibration(pair, tmp_path) -> None:
    ideal = StereoCalibration.ideal(128, 96, 60.0, 0.06)
    ideal.save(tmp_path / "rig.yaml")
    stereo = StereoLabeler(StereoCalibration.load(tmp_path / "rig.yaml"), CONFIG.perception, rectify=True)
    assert stereo.rectifier.is_identity
    assert stereo.rectifier.focal_px == pytest.approx(ideal.focal_px)
    assert stereo.rectifier.baseline_m == pytest.approx(0.06)
    reading = stereo.read(*pair(128, 96, [(4.5, None)]))
    assert FB / reading.distance_m == pytest.approx(4.5, abs=0.45)


def test_a_rotated_rig_is_remapped() -> None:
    ideal = StereoCalibration.ideal(128, 96, 60.0, 0.06)
    angle = np.deg2rad(2.0)
    R = np.array([[1, 0, 0], [0, np.cos(angle), -np.sin(angle)], [0, np.sin(angle), np.cos(angle)]])
    tilted = dataclasses.replace(ideal, R=R)
    stereo = StereoLabeler(tilted, CONFIG.perception, rectify=True)
    assert not stereo.rectifier.is_identity
    image = np.random.default_rng(0).integers(0, 255, (96, 128), dtype=np.uint8)
    left, right = stereo.rectifier.rectify(image, image)
    assert not np.array_equal(left, image) or not np.array_equal(right, image)


def test_a_band_with_points_out_of_the_right_cameras_view_is_unknown_not_far() -> None:
    """Near points at the left edge have no match in the right image; the far wall behind them does. A band
    where they reach the rule's 5 % could hide an obstacle nearer than the wall it saw: unknown, not far."""
    disparity = np.full((96, 128), 2.0, np.float32)
    out_of_view = np.zeros((96, 128), bool)
    out_of_view[:, :4] = True  # half of the first 8 px band
    disparity[out_of_view] = np.nan
    stereo = labeler()
    assert FB / stereo.label(disparity).profile_m[0] == pytest.approx(2.0, abs=0.1)  # the wall passes as nearest
    reading = stereo.label(disparity, out_of_view=out_of_view)
    assert np.isnan(reading.profile_m[0])
    assert np.isfinite(reading.profile_m[1:]).all()
    out_of_view[:, :4], out_of_view[0, 0] = False, True  # one stray pixel is below the share: the band reads
    assert np.isfinite(stereo.label(disparity, out_of_view=out_of_view).profile_m[0])
