"""Checks on camera images entering perception: 2-D uint8 grayscale of the expected size, or a typed error."""

from __future__ import annotations

import cv2
import numpy as np

from drone_ssl.errors import DroneSSLError


class ImageInputError(DroneSSLError):
    """An image handed to perception has the wrong type, dtype, shape or size."""


def as_gray_u8(image: object, name: str = "image", size: tuple[int, int] | None = None) -> np.ndarray:
    """`image` as a contiguous HxW uint8 array; BGR (HxWx3) and HxWx1 are converted, anything else raises.

    `size` is the expected (width, height). Float images are refused rather than guessed at: their scale
    (0..1 or 0..255) and any NaN or inf in them would silently change every distance downstream.
    """
    if not isinstance(image, np.ndarray):
        raise ImageInputError(f"{name} must be a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ImageInputError(f"{name} must be uint8 grayscale, got dtype {image.dtype}; convert it to uint8 0..255")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    elif image.ndim == 3 and image.shape[2] == 3:
        image = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_BGR2GRAY)
    if image.ndim != 2 or image.shape[0] == 0 or image.shape[1] == 0:
        raise ImageInputError(f"{name} must be HxW grayscale (or HxWx3 BGR), got shape {image.shape}")
    if size is not None and (image.shape[1], image.shape[0]) != tuple(size):
        raise ImageInputError(
            f"{name} is {image.shape[1]}x{image.shape[0]} but {size[0]}x{size[1]} is expected; "
            "check the camera resolution in the config or calibration"
        )
    return np.ascontiguousarray(image)


def as_gray_pair(left: object, right: object) -> tuple[np.ndarray, np.ndarray]:
    """Both images checked, and of the same size."""
    lg, rg = as_gray_u8(left, "left image"), as_gray_u8(right, "right image")
    if lg.shape != rg.shape:
        raise ImageInputError(f"left image is {lg.shape[1]}x{lg.shape[0]} but right is {rg.shape[1]}x{rg.shape[0]}")
    return lg, rg


def is_featureless(image: np.ndarray, min_std: float) -> bool:
    """True for frames with (almost) no contrast: black, saturated or covered lenses carry no distance cue."""
    return float(image.std()) < min_std
