"""A side-by-side stereo MJPEG stream over HTTP on 127.0.0.1, the way network stereo cameras serve it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np

from drone_ssl_sim.errors import SimError

BOUNDARY = b"stereoframe"
STREAM_PATH = "/stereo.mjpg"
JPEG_QUALITY = 95  # high: the stereo matcher needs the texture more than the bandwidth saving


class FrameBoard:
    """The latest JPEG frame and a condition to wait for the next one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._jpeg: bytes | None = None
        self._left: np.ndarray | None = None  # the front camera's view (the left image), for the H.264 stream
        self._index = 0
        self.closed = False

    def publish(self, left: np.ndarray, right: np.ndarray | None) -> None:
        side = np.hstack([left, right if right is not None else np.zeros_like(left)])
        ok, jpeg = cv2.imencode(".jpg", side, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise SimError("cannot JPEG-encode the stereo frame")
        with self._cond:
            self._jpeg, self._left, self._index = jpeg.tobytes(), left.copy(), self._index + 1
            self._cond.notify_all()

    def next_after(self, index: int, timeout: float) -> tuple[bytes | None, int]:
        with self._cond:
            self._cond.wait_for(lambda: self._index > index or self.closed, timeout)
            return (self._jpeg, self._index) if self._index > index else (None, index)

    def next_left_after(self, index: int, timeout: float) -> tuple[np.ndarray | None, int]:
        """The next left image (grayscale) after frame `index`, or None on timeout or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._index > index or self.closed, timeout)
            return (self._left, self._index) if self._index > index else (None, index)

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


def _handler(board: FrameBoard) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if self.path.split("?")[0] != STREAM_PATH:
                self.send_error(404, f"the stereo stream is at {STREAM_PATH}")
                return
            self.send_response(200)
            self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY.decode()}")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            index = 0
            try:
                while not board.closed:
                    jpeg, index = board.next_after(index, timeout=0.5)
                    if jpeg is None:
                        continue
                    head = b"--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % (BOUNDARY, len(jpeg))
                    self.wfile.write(head + jpeg + b"\r\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return  # the viewer went away

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence per-request logging
            return

    return Handler


class MjpegServer:
    """Serves `board` at http://host:port/stereo.mjpg; port 0 picks a free port."""

    def __init__(self, board: FrameBoard, host: str = "127.0.0.1", port: int = 0) -> None:
        self.board = board
        try:
            self._server = ThreadingHTTPServer((host, port), _handler(board))
        except OSError as exc:
            raise SimError(
                f"cannot serve the stereo stream on {host}:{port} ({exc.strerror}); pick another port"
            ) from exc
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._server.server_address[0]}:{self.port}{STREAM_PATH}"

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self.board.close()
        if self._thread.is_alive():  # shutdown() waits for serve_forever: only call it when that runs
            self._server.shutdown()
            self._thread.join(timeout=2.0)
        self._server.server_close()
