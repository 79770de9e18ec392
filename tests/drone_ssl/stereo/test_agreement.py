"""How well matches agree with the images: exposure matching, window correlation, the rows' vertical offset."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drone_ssl.stereo.agreement import exposure_matched, vertical_offset, window_correlation


@pytest.fixture(scope="module")
def shifted(pair):
    """A textured wall 6 px away in disparity, and its true disparity map."""
    left, right = pair(128, 96, [(6.0, None)])
    return left, right, np.full(left.shape, 6.0, np.float32)


def test_exposure_matching_undoes_gain_and_offset(shifted) -> None:
    left, right, _ = shifted
    darker = cv2.convertScaleAbs(right, alpha=0.5, beta=20)
    restored = exposure_matched(darker, left)
    assert abs(float(restored.mean()) - float(left.mean())) < 1.0
    assert abs(float(restored.std()) - float(left.std())) < 1.5
    flat = np.full_like(left, 80)
    assert exposure_matched(flat, left) is flat  # nothing to scale: left as it is


def test_correlation_is_high_at_the_true_match_and_low_elsewhere(shifted) -> None:
    left, right, truth = shifted
    inner = (slice(8, -8), slice(24, -8))
    right_match = window_correlation(left, right, truth, 5)[inner]
    wrong_match = window_correlation(left, right, truth + 3.0, 5)[inner]
    assert np.median(right_match) > 0.9 and np.median(wrong_match) < 0.5
    brighter = cv2.convertScaleAbs(right, alpha=1.5, beta=-30)  # gain and offset leave the correlation alone
    assert np.median(window_correlation(left, brighter, truth, 5)[inner]) > 0.85
    nan = np.full_like(truth, np.nan)
    assert (window_correlation(left, right, nan, 5) == 1.0).all()  # nothing to judge


@pytest.mark.parametrize("dy", [0.0, 1.0, -1.0, 2.0])
def test_vertical_offset_of_the_rows(shifted, dy: float) -> None:
    left, right, _ = shifted
    moved = cv2.warpAffine(right, np.array([[1.0, 0, 0], [0, 1, dy]]), (128, 96), borderMode=cv2.BORDER_REPLICATE)
    assert vertical_offset(left, moved) == pytest.approx(dy, abs=0.3)


def test_no_vertical_offset_without_shared_structure() -> None:
    flat = np.full((96, 128), 90, np.uint8)
    assert vertical_offset(flat, flat) is None
    rng = np.random.default_rng(0)
    a, b = (rng.integers(0, 255, (96, 128)).astype(np.uint8) for _ in range(2))
    assert vertical_offset(a, b) is None  # two unrelated noise images share no rows
