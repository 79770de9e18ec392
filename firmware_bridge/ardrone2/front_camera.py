"""The AR.Drone's own front camera (TCP 5555, PaVE-framed H.264, decoded by PyAV) as a mono `StereoSource`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from drone_ssl_bridge.ardrone2.protocol.pave import PaveReassembler
from drone_ssl_bridge.ardrone2.video import H264Decoder
from drone_ssl_bridge.cameras.frames import StereoFrame
from drone_ssl_bridge.errors import StereoStreamError, VideoDecodeError


class FrontCamera:
    """Frames with `right` None: the stack then flies on the monocular cue alone (no stereo on this camera)."""

    def __init__(
        self,
        host: str,
        port: int = 5555,
        output_size: tuple[int, int] | None = None,
        frame_timeout_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._address = (host, port)
        self._output_size = output_size
        self._timeout = frame_timeout_s
        self._clock = clock
        self._cond = threading.Condition()
        self._image: np.ndarray | None = None
        self._index = 0
        self._last = 0
        self._t0 = clock()
        self._t = 0.0
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.error: Exception | None = None

    def open(self) -> None:
        decoder = H264Decoder()  # raises MissingExtraError before anything connects
        try:
            self._sock = socket.create_connection(self._address, timeout=self._timeout)
        except OSError as exc:
            raise StereoStreamError(f"cannot connect to the front camera at {self._address} ({exc})") from exc
        self._sock.settimeout(0.2)
        self._t0 = self._clock()
        self._thread = threading.Thread(target=self._receive, args=(decoder,), name="front-camera", daemon=True)
        self._thread.start()

    def read(self) -> StereoFrame:
        with self._cond:
            if not self._cond.wait_for(lambda: self._index > self._last or self.error is not None, self._timeout):
                raise StereoStreamError(f"no front-camera frame for {self._timeout:g} s")
            if self._index <= self._last:
                raise StereoStreamError(f"the front camera stream failed: {self.error}")
            self._last = self._index
            image, t = self._image, self._t
        if self._output_size is not None:
            image = cv2.resize(image, tuple(self._output_size), interpolation=cv2.INTER_AREA)
        return StereoFrame(t, image, None)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        if self._sock is not None:
            self._sock.close()

    def _receive(self, decoder: H264Decoder) -> None:
        reassembler = PaveReassembler()
        while not self._stop.is_set():
            try:
                data = self._sock.recv(65536)
            except TimeoutError:
                continue
            except OSError as exc:
                self._fail(exc)
                return
            if not data:
                self._fail(StereoStreamError("the drone closed the video connection"))
                return
            try:
                images = [img for frame in reassembler.feed(data) for img in decoder.decode(frame)]
            except VideoDecodeError:
                continue  # a corrupt frame: the next keyframe recovers
            if images:
                with self._cond:
                    self._image, self._t, self._index = images[-1], self._clock() - self._t0, self._index + 1
                    self._cond.notify_all()

    def _fail(self, exc: Exception) -> None:
        with self._cond:
            self.error = exc
            self._cond.notify_all()
