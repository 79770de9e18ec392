"""Outside image bytes reach only OpenCV's PNG and JPEG decoders, and a PNG's declared size is bounded first."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from drone_ssl.flightlog.images import decode_png, encode_png
from drone_ssl.vision.image_bytes import MAX_IMAGE_SIDE_PX, decode_image_bytes

IMAGE = np.random.default_rng(0).integers(0, 255, (12, 16), dtype=np.uint8)


def encoded(ext: str) -> bytes:
    ok, buffer = cv2.imencode(ext, IMAGE)
    assert ok
    return buffer.tobytes()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` x `height` (a damaged or hostile file)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + encoded(".png")[33:]


def test_png_and_jpeg_decode() -> None:
    assert np.array_equal(decode_image_bytes(encoded(".png"), cv2.IMREAD_GRAYSCALE), IMAGE)
    assert decode_image_bytes(encoded(".jpg"), cv2.IMREAD_GRAYSCALE).shape == IMAGE.shape
    assert np.array_equal(decode_png(encode_png(IMAGE)), IMAGE)


@pytest.mark.parametrize("ext", [".tiff", ".bmp", ".pgm"])
def test_other_formats_never_reach_opencv(ext: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = encoded(ext)
    monkeypatch.setattr(cv2, "imdecode", lambda *a: pytest.fail("imdecode was called"))
    with pytest.raises(ValueError, match="not a PNG or JPEG image"):
        decode_image_bytes(data, cv2.IMREAD_GRAYSCALE)
    with pytest.raises(ValueError, match="not a PNG"):
        decode_png(encoded(".jpg"))  # a log's images are PNG only


def test_a_png_declaring_a_huge_size_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cv2, "imdecode", lambda *a: pytest.fail("imdecode was called"))
    with pytest.raises(ValueError, match=f"a PNG of 100000x100000 pixels; at most {MAX_IMAGE_SIDE_PX} a side"):
        decode_png(png_claiming(100_000, 100_000))
    with pytest.raises(ValueError, match="a PNG of 0x5 pixels"):
        decode_png(png_claiming(0, 5))


def test_a_damaged_png_is_a_value_error() -> None:
    data = bytearray(encoded(".png"))
    data[40:60] = bytes(20)
    with pytest.raises(ValueError):
        decode_png(bytes(data[:50]))
