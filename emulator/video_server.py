"""The front camera on TCP 5555 as the AR.Drone serves it: H.264 (PyAV's libx264) in PaVE frames, one per image."""

from __future__ import annotations

import importlib
import logging
import socket
import threading
import time
from typing import Any

import numpy as np

from drone_ssl_bridge.ardrone2.protocol.pave import FrameType, encode_frame
from drone_ssl_emulator.mjpeg_server import FrameBoard
from drone_ssl_emulator.socket_service import SocketService
from drone_ssl_sim.errors import SimError

log = logging.getLogger(__name__)

GOP_FRAMES = 15  # a keyframe every 15 frames: a decoder that missed one recovers within a second
HEADER_BYTES = 68  # the size AR.Drone 2.0 firmware 2.4 sends (clients must honour header_size)
MAX_CLIENTS = 4


def h264_available() -> bool:
    """Whether PyAV with an H.264 encoder is installed (the `video` extra)."""
    try:
        av = importlib.import_module("av")
    except ImportError:
        return False
    return "libx264" in av.codecs_available


class H264Encoder:
    """Grayscale images in, Annex-B H.264 packets out (baseline-like: no B-frames, zero latency)."""

    def __init__(self, width: int, height: int) -> None:
        av = importlib.import_module("av")
        self._av = av
        self._codec: Any = av.CodecContext.create("libx264", "w")
        self._codec.width, self._codec.height, self._codec.pix_fmt = width, height, "yuv420p"
        self._codec.gop_size = GOP_FRAMES
        self._codec.options = {"tune": "zerolatency", "preset": "ultrafast", "bframes": "0", "crf": "18"}

    def encode(self, gray: np.ndarray) -> list[tuple[bytes, bool]]:
        """(packet bytes, is keyframe) for one image."""
        frame = self._av.VideoFrame.from_ndarray(np.ascontiguousarray(gray), format="gray")
        return [(bytes(packet), bool(packet.is_keyframe)) for packet in self._codec.encode(frame)]


class VideoServer(SocketService):
    """Each connected client gets its own encoder (so its stream starts with a keyframe) fed by `board`."""

    def __init__(self, board: FrameBoard, host: str, port: int) -> None:
        if not h264_available():
            raise SimError("the front-camera stream needs PyAV with libx264: pip install 'drone_ssl[video]'")
        self._board = board
        self._clients: list[threading.Thread] = []
        super().__init__(socket.SOCK_STREAM, host, port, "video")
        self._sock.listen(MAX_CLIENTS)
        self._sock.settimeout(0.1)

    def close(self) -> None:
        super().close()
        for thread in self._clients:
            thread.join(timeout=2.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                continue
            self._clients = [t for t in self._clients if t.is_alive()]
            if len(self._clients) >= MAX_CLIENTS:
                client.close()
                continue
            thread = threading.Thread(target=self._serve, args=(client,), name="emulator-video-client", daemon=True)
            self._clients.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(2.0)
        encoder: H264Encoder | None = None
        index, number, t0 = 0, 0, time.monotonic()
        try:
            with client:
                while not self._stop.is_set():
                    left, index = self._board.next_left_after(index, timeout=0.5)
                    if left is None:
                        continue
                    height, width = left.shape[:2]
                    encoder = encoder or H264Encoder(width, height)
                    stamp = int((time.monotonic() - t0) * 1000) & 0xFFFFFFFF
                    for payload, key in encoder.encode(left):
                        kind = FrameType.IDR if key else FrameType.P
                        client.sendall(encode_frame(payload, number, kind, width, height, stamp, HEADER_BYTES))
                        number = (number + 1) & 0xFFFFFFFF
        except OSError:
            return  # the viewer went away
        except Exception:  # an encoder failure ends this client's stream, never the emulator
            log.exception("the front-camera stream failed")
