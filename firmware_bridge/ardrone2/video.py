"""Decoding the AR.Drone's front-camera H.264 (PaVE payloads) with PyAV, an optional extra (`video`)."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from drone_ssl_bridge.ardrone2.protocol.pave import PaveFrame
from drone_ssl_bridge.errors import MissingExtraError, VideoDecodeError


def _import_av() -> Any:
    try:
        return importlib.import_module("av")
    except ImportError as exc:
        raise MissingExtraError("av", "video") from exc


class H264Decoder:
    """Annex-B H.264 in, grayscale uint8 images out; waits for the first keyframe, as a decoder must."""

    def __init__(self) -> None:
        av = _import_av()
        self._errors = (av.error.FFmpegError,) if hasattr(av, "error") else (Exception,)
        self._codec = av.CodecContext.create("h264", "r")
        self._seen_keyframe = False

    def decode(self, frame: PaveFrame) -> list[np.ndarray]:
        """Images decoded from one PaVE frame (usually one; none before the first keyframe)."""
        if not self._seen_keyframe and not frame.is_keyframe:
            return []
        self._seen_keyframe = True
        return self.decode_bytes(frame.payload)

    def decode_bytes(self, data: bytes) -> list[np.ndarray]:
        try:
            images = []
            for packet in self._codec.parse(data):
                images += [f.to_ndarray(format="gray") for f in self._codec.decode(packet)]
            return images
        except self._errors as exc:
            raise VideoDecodeError(f"H.264 decoding failed ({exc}); the stream may be corrupt") from exc
