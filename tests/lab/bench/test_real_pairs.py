"""Real stereo pairs with ground truth: the warped photographs' truth is exact, downscaling keeps it consistent."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drone_ssl_lab.bench.disparity_metrics import disparity_scores, shared_bad
from drone_ssl_lab.data.real_stereo_pairs import TruthPair, downscaled, photographs, warped_pair


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    found = photographs()
    assert found, "matplotlib ships grace_hopper.jpg: at least that photograph must be found"
    return found[0][1]


def reprojection_error(pair: TruthPair) -> np.ndarray:
    """|left - right sampled at x - d| per pixel: small wherever the truth is right and the point is seen."""
    h, w = pair.left.shape
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    back = cv2.remap(pair.right.astype(np.float32), xs - pair.disparity, ys, cv2.INTER_LINEAR)
    return np.abs(pair.left.astype(np.float32) - back)


def test_warped_truth_maps_the_left_view_onto_the_right(photo) -> None:
    pair = warped_pair("photo", photo, np.random.default_rng(1), size=(320, 240), max_disparity=30.0, noise=0.0)
    assert pair.left.shape == pair.right.shape == pair.disparity.shape == (240, 320)
    assert np.isfinite(pair.disparity).all() and 0 < np.nanmin(pair.disparity) < pair.max_disparity <= 30.0
    error = reprojection_error(pair)
    # most pixels are seen by both cameras; there the truth reproduces the right image to interpolation error
    assert np.median(error) < 2.0
    assert np.mean(error < 6.0) > 0.85
    wrong = reprojection_error(TruthPair("x", pair.left, pair.right, pair.disparity + 2.0, 1.0, 1.0))
    assert np.median(wrong) > 2 * np.median(error)  # the check can fail: a 2 px wrong truth does not pass it


def test_each_view_gets_its_own_noise(photo) -> None:
    rng = np.random.default_rng(2)
    clean = warped_pair("p", photo, np.random.default_rng(2), size=(160, 120), noise=0.0)
    noisy = warped_pair("p", photo, rng, size=(160, 120), noise=3.0)
    residual = noisy.left.astype(float) - clean.left
    assert 2.0 < residual.std() < 4.0


def test_downscaling_scales_disparity_and_focal_together(photo) -> None:
    pair = warped_pair("p", photo, np.random.default_rng(3), size=(640, 480), max_disparity=60.0)
    small = downscaled(pair, 128, 96)
    assert small.left.shape == small.disparity.shape == (96, 128)
    assert small.focal_px == pytest.approx(pair.focal_px * 0.2)
    assert np.nanmax(small.disparity) == pytest.approx(pair.max_disparity * 0.2, rel=0.05)
    # the depth of the scene does not change with the camera's resolution
    assert np.nanmedian(small.depth_m()) == pytest.approx(np.nanmedian(pair.depth_m()), rel=0.05)


def test_downscaling_crops_to_the_camera_aspect() -> None:
    left = np.zeros((100, 300), np.uint8)
    disparity = np.full((100, 300), 8.0, np.float32)
    disparity[:, 150] = np.nan
    small = downscaled(TruthPair("wide", left, left, disparity, 100.0, 0.1), 40, 30)
    assert small.left.shape == (30, 40)
    assert np.nanmax(small.disparity) == pytest.approx(8.0 * 40 / 133, rel=0.02)
    assert np.isnan(small.disparity).any()  # a block with unknown truth stays unknown


def test_scores_count_unkept_pixels_as_bad_and_compare_on_shared_pixels() -> None:
    truth = np.full((10, 10), 5.0, np.float32)
    estimate = truth.copy()
    estimate[:5] = np.nan  # half kept
    estimate[5, :] = 9.0  # one of the kept rows wrong
    scores = disparity_scores(estimate, truth)
    assert scores["density"] == pytest.approx(0.5)
    assert scores["bad_kept"] == pytest.approx(0.2)
    assert scores["bad_all"] == pytest.approx(0.6)
    other = np.full((10, 10), 5.0, np.float32)
    assert shared_bad(estimate, other, truth) == pytest.approx((0.2, 0.0))
