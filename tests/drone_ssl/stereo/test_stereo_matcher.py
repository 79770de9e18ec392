"""StereoMatcher: known disparities come back in pixels (x16 fixed point undone), invalid pixels are NaN."""

from __future__ import annotations

import numpy as np
import pytest

from drone_ssl.stereo import ImageInputError, StereoMatcher


@pytest.mark.parametrize("method", ["sgbm", "bm"])
@pytest.mark.parametrize("shift", [4.0, 9.0, 6.5, 11.25])
def test_shifted_texture_gives_its_disparity_in_pixels(pair, method: str, shift: float) -> None:
    left, right = pair(128, 96, [(shift, None)])
    disparity = StereoMatcher(max_disparity=32, method=method).disparity(left, right)
    assert disparity.dtype == np.float32 and disparity.shape == (96, 128)
    interior = disparity[8:-8, 40:-8]
    # BM's outliers (windows correlating < 0.5 with their match) are voided: it keeps a little less than SGBM
    assert np.isfinite(interior).mean() > (0.8 if method == "sgbm" else 0.7)
    # OpenCV returns 16 * d; a missed division would be off by far more than this tolerance.
    assert np.nanmedian(interior) == pytest.approx(shift, abs=0.2)


@pytest.mark.parametrize(("width", "height", "shift"), [(320, 240, 14.5), (640, 480, 30.0), (64, 48, 3.0)])
def test_any_resolution(pair, width: int, height: int, shift: float) -> None:
    left, right = pair(width, height, [(shift, None)], scale=2)
    disparity = StereoMatcher(max_disparity=round(shift * 2) + 8).disparity(left, right)
    assert disparity.shape == (height, width)
    assert np.nanmedian(disparity[:, width // 2 :]) == pytest.approx(shift, abs=0.25)


def test_texture_less_regions_are_invalid_not_guessed(pair) -> None:
    left, right = pair(128, 96, [(6.0, None)])
    left[:, 64:] = 120
    right[:, 58:] = 120
    disparity = StereoMatcher(max_disparity=32).disparity(left, right)
    assert np.isnan(disparity[:, 72:]).all()
    assert np.isfinite(disparity[10:-10, 40:56]).mean() > 0.8


@pytest.mark.parametrize("value", [0, 255, 37])
def test_flat_frames_have_no_valid_pixel(value: int) -> None:
    flat = np.full((96, 128), value, np.uint8)
    assert np.isnan(StereoMatcher(32, "sgbm").disparity(flat, flat)).all()
    assert np.isnan(StereoMatcher(32, "bm").disparity(flat, flat)).all()


def test_nearer_layer_wins_where_it_is_seen(pair) -> None:
    left, right = pair(128, 96, [(3.0, None), (12.0, (60, 100, 20, 76))])
    disparity = StereoMatcher(max_disparity=32).disparity(left, right)
    assert np.nanmedian(disparity[28:68, 68:96]) == pytest.approx(12.0, abs=0.25)
    assert np.nanmedian(disparity[:, 104:]) == pytest.approx(3.0, abs=0.25)


def test_bgr_input_is_converted(pair) -> None:
    left, right = pair(128, 96, [(5.0, None)])
    bgr = [np.repeat(img[:, :, None], 3, axis=2) for img in (left, right)]
    matcher = StereoMatcher(32)
    np.testing.assert_array_equal(matcher.disparity(*bgr), matcher.disparity(left, right))


@pytest.mark.parametrize(
    ("left", "right", "words"),
    [
        (np.zeros((96, 128), np.float32), np.zeros((96, 128), np.float32), "uint8"),
        (np.full((96, 128), np.nan), np.full((96, 128), np.nan), "uint8"),
        (np.zeros((96, 128), np.uint8), np.zeros((96, 120), np.uint8), "right is 120x96"),
        (np.zeros(128, np.uint8), np.zeros(128, np.uint8), "HxW"),
        (np.zeros((96, 128, 4), np.uint8), np.zeros((96, 128, 4), np.uint8), "HxW"),
        ([[0]], [[0]], "numpy array"),
        (np.zeros((96, 12), np.uint8), np.zeros((96, 12), np.uint8), "too narrow"),
        (np.zeros((3, 128), np.uint8), np.zeros((3, 128), np.uint8), "lower than"),
    ],
)
def test_bad_input_is_a_typed_error(left, right, words: str) -> None:
    with pytest.raises(ImageInputError, match=words):
        StereoMatcher(32).disparity(left, right)


def test_bad_construction_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        StereoMatcher(32, method="census")
    with pytest.raises(ValueError, match="odd"):
        StereoMatcher(32, block_size=4)


def test_pixels_whose_match_is_outside_the_right_image_are_void(pair) -> None:
    left, right = pair(128, 96, [(10.0, None)])
    match = StereoMatcher(max_disparity=32, method="sgbm").match(left, right)
    disparity = match.disparity
    # x < d: the point is out of the right camera's view; padding must not lend it a match
    assert np.isnan(disparity[:, :10]).all()
    assert match.out_of_view[:, :10].any() and not match.out_of_view[:, 12:].any()
    assert np.isfinite(disparity[8:-8, 12:40]).mean() > 0.8
