"""Image files and messages from outside, checked before OpenCV decodes them: only PNG and JPEG, bounded size."""

from __future__ import annotations

import struct

import cv2
import numpy as np

MAX_IMAGE_BYTES = 64 * 1024 * 1024
MAX_IMAGE_SIDE_PX = 8192  # the largest side a PNG may declare; its pixels are allocated before they are read
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR; ValueError when the bytes do not start as a PNG does."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image (no PNG signature and header)")
    return struct.unpack(">II", data[16:24])


def check_image_bytes(data: bytes, kinds: tuple[str, ...] = ("png", "jpeg")) -> None:
    """Raise ValueError unless `data` is a PNG or JPEG (of `kinds`) within the size limits.

    cv2.imdecode picks its decoder from the bytes themselves (TIFF, JPEG 2000, OpenEXR, ...): these checks keep
    outside bytes to the PNG and JPEG decoders, and a PNG's declared size from allocating without bound."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
    if "png" in kinds and data.startswith(PNG_SIGNATURE):
        width, height = png_size(data)
        if not (0 < width <= MAX_IMAGE_SIDE_PX and 0 < height <= MAX_IMAGE_SIDE_PX):
            raise ValueError(f"a PNG of {width}x{height} pixels; at most {MAX_IMAGE_SIDE_PX} a side")
        return
    if "jpeg" in kinds and data.startswith(JPEG_SIGNATURE):
        return  # OpenCV bounds a JPEG's pixels itself (OPENCV_IO_MAX_IMAGE_PIXELS, 2**30 by default)
    raise ValueError(f"not a {' or '.join(k.upper() for k in kinds)} image")


def decode_image_bytes(data: bytes, flags: int, kinds: tuple[str, ...] = ("png", "jpeg")) -> np.ndarray:
    """cv2.imdecode of checked bytes; ValueError when they are not an image of `kinds` OpenCV can read."""
    check_image_bytes(data, kinds)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if image is None:
        raise ValueError(f"a damaged {' or '.join(k.upper() for k in kinds)} image")
    return image
