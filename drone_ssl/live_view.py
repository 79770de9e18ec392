"""`--view`: a live window with the stereo pair, the disparity, the mono estimate and the phase."""

from __future__ import annotations

import os
import sys

import cv2
import numpy as np

from drone_ssl.errors import DroneSSLError
from drone_ssl.pilot import FrameResult

WINDOW = "drone_ssl"
SCALE = 3  # 128x96 frames are small on a screen


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
        left = result.observation.left
        right = result.observation.right if result.observation.right is not None else np.zeros_like(left)
        disparity = np.zeros_like(left)
        if result.stereo is not None:
            d = np.nan_to_num(result.stereo.disparity, nan=0.0)
            disparity = np.clip(d * (255.0 / max(1.0, float(d.max()))), 0, 255).astype(np.uint8)
        mono = np.zeros_like(left)
        if result.mono.depth_m is not None:
            depth = cv2.resize(result.mono.depth_m, (left.shape[1], left.shape[0]), interpolation=cv2.INTER_NEAREST)
            mono = np.clip(255 - depth * 40, 0, 255).astype(np.uint8)  # near = bright
        top = np.hstack([left, right])
        bottom = np.hstack([cv2.applyColorMap(disparity, cv2.COLORMAP_JET)[:, :, 0], mono])
        canvas = cv2.cvtColor(np.vstack([top, bottom]), cv2.COLOR_GRAY2BGR)
        canvas = cv2.resize(canvas, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_NEAREST)
        d = result.decision
        text = [
            f"t {result.observation.t:6.1f}s  phase {d.phase.value}  action {result.action.state}",
            f"stereo {_m(result.stereo.distance_m if result.stereo else None)}  mono {_m(result.mono.distance_m)}"
            f"  threshold {d.threshold_m:.2f} m{'  OVERRIDE' if d.override else ''}",
        ]
        for i, line in enumerate(text):
            cv2.putText(canvas, line, (8, 22 + 22 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 255, 255), 1, cv2.LINE_AA)
        cv2.imshow(WINDOW, canvas)
        key = cv2.waitKey(1) & 0xFF
        if key == ord("q") or cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1:
            self.stop_requested = True

    def close(self) -> None:
        cv2.destroyWindow(WINDOW)


def _m(value: float | None) -> str:
    return "  -  " if value is None else f"{value:4.2f} m"
