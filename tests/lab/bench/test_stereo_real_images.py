"""Stereo on a real pair with ground truth (Middlebury 'Motorcycle' at the drone's 128x96): matcher against tuned
SGBM, the label chain from the raw pair and its calibration, and no label where the rows or the noise forbid."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from drone_ssl.stereo import StereoLabeler
from drone_ssl.stereo.agreement import vertical_offset
from drone_ssl_app.config import load_config
from drone_ssl_lab.bench.stereo_real import EFFECTS, disparity_accuracy, label_pair, perception_for, rig_of
from drone_ssl_lab.data.real_stereo_pairs import TruthPair, downscaled, middlebury_motorcycle

pytest.importorskip("skimage")  # the dev extra installs it: the pair ships inside its wheel

PERCEPTION = load_config().perception


@pytest.fixture(scope="module")
def motorcycle() -> TruthPair:
    return downscaled(middlebury_motorcycle(), 128, 96)


def test_as_accurate_as_tuned_sgbm_on_kept_pixels_with_more_of_them(motorcycle) -> None:
    table = disparity_accuracy(motorcycle, PERCEPTION)
    ours, tuned = table["ours"], table["sgbm_tuned"]
    assert ours["bad_kept"] <= tuned["bad_kept"]
    assert ours["bad_all"] < tuned["bad_all"]
    assert ours["density"] > tuned["density"]
    assert ours["bad_on_shared_minus_tuned"] <= 0.0  # where both keep a pixel, ours is right at least as often


def test_the_old_texture_test_voided_half_the_real_image(motorcycle) -> None:
    strict = dataclasses.replace(PERCEPTION, stereo=dataclasses.replace(PERCEPTION.stereo, texture_threshold=3.0))
    assert disparity_accuracy(motorcycle, strict)["ours"]["density"] < 0.75
    assert disparity_accuracy(motorcycle, PERCEPTION)["ours"]["density"] > 0.85


def test_a_darker_right_camera_keeps_its_matches(motorcycle) -> None:
    """A right camera at a quarter of the left's gain: unmatched, a sixth of the kept pixels went (0.91 -> 0.77)."""
    darker = EFFECTS["right_exposure_gain"][0](motorcycle, 0.25, np.random.default_rng(0))
    same, dark = (disparity_accuracy(p, PERCEPTION)["ours"] for p in (motorcycle, darker))
    assert dark["density"] > same["density"] - 0.02
    assert dark["bad_all"] < same["bad_all"] + 0.02


def test_label_chain_from_the_raw_pair_and_its_calibration(motorcycle) -> None:
    assert rig_of(motorcycle).K2[0, 2] - rig_of(motorcycle).K1[0, 2] == pytest.approx(motorcycle.doffs_px)
    row = label_pair(motorcycle, PERCEPTION)
    assert row["truth_m"] == pytest.approx(2.26, abs=0.1)  # Middlebury's calibration puts the bike ~2.3 m away
    assert abs(row["error_m"]) < 0.08
    assert row["profile_median_abs_error_m"] < 0.05
    assert row["profile_decision_agreement"] == 1.0


def test_a_calibration_a_pixel_off_vertically_gives_no_label(motorcycle) -> None:
    shift = EFFECTS["vertical_misalignment_px"][0]
    assert vertical_offset(motorcycle.left, motorcycle.right) == pytest.approx(0.0, abs=0.3)
    off = shift(motorcycle, 1.0, np.random.default_rng(0))
    assert vertical_offset(off.left, off.right) == pytest.approx(1.0, abs=0.3)
    labeler = StereoLabeler(rig_of(off), perception_for(PERCEPTION, off.max_disparity + off.doffs_px, 128), True)
    reading = labeler.read(off.left, off.right)
    assert reading.distance_m is None and np.isnan(reading.profile_m).all()
    assert labeler.vertical_offset_px == pytest.approx(1.0, abs=0.3)


def test_noise_keeps_labels_right_until_it_drowns_them(motorcycle) -> None:
    noise = EFFECTS["noise_sigma"][0]
    for sigma in (4.0, 16.0, 32.0):
        row = label_pair(noise(motorcycle, sigma, np.random.default_rng(0)), PERCEPTION)
        assert row["stereo_m"] is not None and abs(row["error_m"]) < 0.15, sigma
    assert label_pair(noise(motorcycle, 64.0, np.random.default_rng(0)), PERCEPTION)["stereo_m"] is None


def test_exposure_mismatch_and_blur_keep_labels_right(motorcycle) -> None:
    for name, strength in (("right_exposure_gain", 0.4), ("motion_blur_px", 8.0)):
        changed = EFFECTS[name][0](motorcycle, strength, np.random.default_rng(0))
        row = label_pair(changed, PERCEPTION)
        assert row["stereo_m"] is not None and abs(row["error_m"]) < 0.15, name
