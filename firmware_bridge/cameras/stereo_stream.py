"""Stereo camera input through OpenCV `VideoCapture` (device, file or URL; side-by-side or two streams), rectified."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.stereo.rectifier import Rectifier
from drone_ssl.vision.image_input import as_gray_u8
from drone_ssl_bridge.cameras.frames import StereoFrame
from drone_ssl_bridge.errors import StereoStreamError

LAYOUTS = ("side_by_side", "two_streams")
READ_FAILURES_BEFORE_REOPEN = 25  # a network stream that hiccups is reopened rather than given up on


def parse_source(source: str | int) -> str | int:
    """'0' means camera device 0; anything else is a file path or a URL."""
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
        return int(source)
    return source


class CaptureReader:
    """One `VideoCapture`. Live sources are drained by a thread that keeps only the newest frame (no lag builds
    up in OpenCV's buffer); files are read one frame per call so none is skipped."""

    def __init__(self, source: str | int, clock: Callable[[], float] = time.monotonic) -> None:
        self.source = parse_source(source)
        self.live = not (isinstance(self.source, str) and Path(self.source).is_file())
        self._clock = clock
        self._cap: cv2.VideoCapture | None = None
        self._cond = threading.Condition()
        self._frame: np.ndarray | None = None
        self._t = 0.0
        self._index = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ended = False

    def open(self) -> None:
        self._cap = self._open_capture()
        if self.live:
            self._thread = threading.Thread(target=self._drain, name=f"capture-{self.source}", daemon=True)
            self._thread.start()

    def _open_capture(self) -> cv2.VideoCapture:
        cap = cv2.VideoCapture(self.source)
        if not cap.isOpened():
            cap.release()
            raise StereoStreamError(f"cannot open the stereo source {self.source!r}; check the device, file or URL")
        return cap

    def next_frame(self, after: int, timeout: float) -> tuple[np.ndarray, float, int]:
        """The first frame newer than index `after` as (BGR or gray image, time, index)."""
        if not self.live:
            return self._read_file_frame(after)
        with self._cond:
            if not self._cond.wait_for(lambda: self._index > after or self.ended, timeout):
                raise StereoStreamError(f"no frame from {self.source!r} for {timeout:g} s; is the camera streaming?")
            if self._index <= after:
                raise StereoStreamError(f"the stereo source {self.source!r} stopped and could not be reopened")
            return self._frame, self._t, self._index

    def _read_file_frame(self, after: int) -> tuple[np.ndarray, float, int]:
        assert self._cap is not None, "open() first"
        ok, frame = self._cap.read()
        if not ok:
            self.ended = True
            raise StereoStreamError(f"the stereo file {self.source!r} has no more frames")
        self._index = after + 1
        return frame, self._clock(), self._index

    def _drain(self) -> None:
        failures = 0
        while not self._stop.is_set():
            ok, frame = self._cap.read()
            if ok:
                failures = 0
                with self._cond:
                    self._frame, self._t, self._index = frame, self._clock(), self._index + 1
                    self._cond.notify_all()
                continue
            failures += 1
            if failures >= READ_FAILURES_BEFORE_REOPEN and not self._reopen():
                with self._cond:
                    self.ended = True
                    self._cond.notify_all()
                return
            self._stop.wait(0.02)

    def _reopen(self) -> bool:
        self._cap.release()
        try:
            self._cap = self._open_capture()
            return True
        except StereoStreamError:
            return False

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3.0)
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class StereoStream:
    """Grayscale stereo pairs from one side-by-side source or two sources, rectified with the calibration.

    `output_size` (width, height) resizes the rectified images to what the stack expects (e.g. 128x96).
    """

    def __init__(
        self,
        source: str | int,
        right_source: str | int | None = None,
        calibration: StereoCalibration | None = None,
        layout: str = "side_by_side",
        output_size: tuple[int, int] | None = None,
        frame_timeout_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if layout not in LAYOUTS:
            raise StereoStreamError(f"unknown stereo layout {layout!r}; use one of {', '.join(LAYOUTS)}")
        if (layout == "two_streams") != (right_source is not None):
            raise StereoStreamError("layout two_streams needs a right source, and side_by_side must not have one")
        self.layout = layout
        self._readers = [CaptureReader(source, clock)] + ([CaptureReader(right_source, clock)] if right_source else [])
        self._rectifier = Rectifier(calibration) if calibration is not None else None
        self._output_size = output_size
        self._timeout = frame_timeout_s
        self._last = [0] * len(self._readers)
        self._clock = clock
        self._t0 = clock()

    def open(self) -> None:
        self._t0 = self._clock()
        try:
            for reader in self._readers:
                reader.open()
        except StereoStreamError:
            self.close()
            raise

    def read(self) -> StereoFrame:
        """The next pair (blocks until every source has a new frame); raises StereoStreamError on timeout."""
        got = [r.next_frame(last, self._timeout) for r, last in zip(self._readers, self._last, strict=True)]
        self._last = [index for _, _, index in got]
        t = max(t for _, t, _ in got) - self._t0
        if self.layout == "side_by_side":
            left, right = self._split(as_gray_u8(got[0][0], "side-by-side stereo frame"))
        else:
            left, right = as_gray_u8(got[0][0], "left stream frame"), as_gray_u8(got[1][0], "right stream frame")
        if self._rectifier is not None:
            left, right = self._rectifier.rectify(left, right)
        return StereoFrame(t, self._resize(left), self._resize(right))

    def _split(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        width = frame.shape[1]
        if width % 2:
            raise StereoStreamError(f"a side-by-side frame must have an even width, got {width}; is the layout right?")
        return np.ascontiguousarray(frame[:, : width // 2]), np.ascontiguousarray(frame[:, width // 2 :])

    def _resize(self, image: np.ndarray) -> np.ndarray:
        if self._output_size is None or (image.shape[1], image.shape[0]) == tuple(self._output_size):
            return image
        return cv2.resize(image, tuple(self._output_size), interpolation=cv2.INTER_AREA)

    def close(self) -> None:
        for reader in self._readers:
            reader.close()
