"""Lossless PNG encoding of camera images, depth in uint16 millimetres, and the PNG inside format-1 image messages."""

from __future__ import annotations

import base64

import cv2
import numpy as np

from drone_ssl.vision.image_bytes import decode_image_bytes

DEPTH_UNKNOWN = 0  # 16-bit depth PNG: no depth (NaN)
DEPTH_FAR = 65535  # 16-bit depth PNG: infinitely far or beyond 65.534 m
DEPTH_SCALE = 1000.0  # millimetres per metre: the unit Foxglove and ROS use for 16-bit depth


def encode_png(image: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of a 2-D uint8 or uint16 image; level 1 is zlib's fastest (lossless at any level)."""
    ok, buffer = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, level])
    if not ok:
        raise ValueError(f"OpenCV could not PNG-encode an image of shape {image.shape} and dtype {image.dtype}")
    return buffer.tobytes()


def decode_png(data: bytes) -> np.ndarray:
    """The 2-D array a PNG holds, at its own bit depth; ValueError when the bytes are not a PNG (checked before
    OpenCV sees them: log bytes are outside input)."""
    image = decode_image_bytes(data, cv2.IMREAD_UNCHANGED, ("png",))
    if image.ndim != 2:
        raise ValueError("not a single-channel PNG image")
    return image


def depth_to_png16(depth_m: np.ndarray) -> np.ndarray:
    """Metres as uint16 millimetres: NaN -> 0 (unknown), inf or out of range -> 65535 (far)."""
    depth = np.asarray(depth_m, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        mm = np.rint(depth * DEPTH_SCALE)
        out = np.where(np.isnan(depth), DEPTH_UNKNOWN, np.clip(mm, 1, DEPTH_FAR))
    out[np.isposinf(depth) | (depth > (DEPTH_FAR - 1) / DEPTH_SCALE)] = DEPTH_FAR
    return out.astype(np.uint16)


def depth_from_png16(mm: np.ndarray) -> np.ndarray:
    """The inverse of `depth_to_png16`, float32 metres, to the millimetre."""
    depth = mm.astype(np.float32) / DEPTH_SCALE
    depth[mm == DEPTH_UNKNOWN] = np.nan
    depth[mm == DEPTH_FAR] = np.inf
    return depth


def png_of(message: dict) -> bytes:
    """The PNG bytes inside a foxglove.CompressedImage JSON message."""
    if message.get("format") != "png":
        raise ValueError(f"image format {message.get('format')!r} is not png")
    return base64.b64decode(message["data"], validate=True)
