"""Camera images entering perception: grayscale uint8 of the expected size, converted or refused with a typed error."""

from __future__ import annotations

import numpy as np
import pytest

from drone_ssl.vision.image_input import ImageInputError, as_gray_pair, as_gray_u8, is_featureless


def test_bgr_and_single_channel_images_become_contiguous_grayscale() -> None:
    bgr = np.zeros((4, 6, 3), np.uint8)
    bgr[..., 2] = 200  # pure red: OpenCV's weights give 0.299 * 200
    gray = as_gray_u8(bgr)
    assert gray.shape == (4, 6) and gray.dtype == np.uint8 and abs(int(gray[0, 0]) - 60) <= 1
    column = np.arange(24, dtype=np.uint8).reshape(4, 6, 1)[:, ::2]  # a strided view, one channel
    out = as_gray_u8(column, size=(3, 4))
    assert out.flags.c_contiguous and out.tolist() == column[:, :, 0].tolist()


@pytest.mark.parametrize(
    ("image", "words"),
    [
        ([[1, 2], [3, 4]], "numpy array"),
        (np.zeros((4, 6), np.float32), "uint8"),
        (np.zeros((4, 6, 4), np.uint8), "HxW grayscale"),
        (np.zeros((0, 6), np.uint8), "HxW grayscale"),
        (np.zeros((4, 6), np.uint8), "8x4 is expected"),
    ],
)
def test_anything_else_is_refused_naming_what_is_wrong(image, words: str) -> None:
    with pytest.raises(ImageInputError, match=words):
        as_gray_u8(image, "left image", size=(8, 4))


def test_a_pair_must_match_in_size() -> None:
    left, right = np.zeros((4, 6), np.uint8), np.zeros((4, 8), np.uint8)
    with pytest.raises(ImageInputError, match="left image is 6x4 but right is 8x4"):
        as_gray_pair(left, right)
    assert [a.shape for a in as_gray_pair(left, left)] == [(4, 6), (4, 6)]


def test_featureless_frames_are_the_ones_without_contrast() -> None:
    rng = np.random.default_rng(0)
    assert is_featureless(np.full((8, 8), 255, np.uint8), min_std=2.0)
    assert not is_featureless(rng.integers(0, 255, (8, 8), dtype=np.uint8), min_std=2.0)
