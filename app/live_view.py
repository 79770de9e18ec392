"""`--view`: a live window with the stereo pair, stereo and mono depth on one scale, the phase and the decision."""

from __future__ import annotations

import os
import sys

import cv2

from drone_ssl.errors import DroneSSLError
from drone_ssl.pilot import FrameResult
from drone_ssl_app.view_frame import compose

WINDOW = "drone_ssl"


class LiveView:
    """Draws one frame per call; closing the window or pressing q asks the flight to stop (it then lands)."""

    def __init__(self) -> None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise DroneSSLError("--view needs a display (DISPLAY is not set); fly headless without --view")
        try:
            cv2.namedWindow(WINDOW, cv2.WINDOW_AUTOSIZE)
        except cv2.error as exc:
            raise DroneSSLError(f"--view cannot open a window here ({exc.msg}); fly headless without --view") from exc
        self.stop_requested = False

    def show(self, result: FrameResult) -> None:
        cv2.imshow(WINDOW, compose(result))
        key = cv2.waitKey(1) & 0xFF
        if key == ord("q") or cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1:
            self.stop_requested = True

    def close(self) -> None:
        cv2.destroyWindow(WINDOW)
