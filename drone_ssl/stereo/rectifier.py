"""Rectify raw stereo pairs with a calibration and expose the rectified geometry (focal length, baseline)."""

from __future__ import annotations

import cv2
import numpy as np

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.vision.image_input import as_gray_pair, as_gray_u8


class Rectifier:
    """Remaps raw pairs into row-aligned images; depth must use *this* focal length, not the raw K1."""

    def __init__(self, calibration: StereoCalibration) -> None:
        self.calibration = calibration
        self.size = (int(calibration.image_size[0]), int(calibration.image_size[1]))
        m1x, m1y, m2x, m2y, Q = calibration.rectification_maps()
        self._left_maps = cv2.convertMaps(m1x, m1y, cv2.CV_16SC2)  # fixed-point maps remap about twice as fast
        self._right_maps = cv2.convertMaps(m2x, m2y, cv2.CV_16SC2)
        self.focal_px, self.baseline_m = calibration.rectified_geometry()
        # An ideal (already rectified) rig maps every pixel onto itself: remapping would only cost time.
        h, w = self.size[1], self.size[0]
        grid_x, grid_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        self.is_identity = all(
            float(np.max(np.abs(mx - grid_x))) < 1e-3 and float(np.max(np.abs(my - grid_y))) < 1e-3
            for mx, my in ((m1x, m1y), (m2x, m2y))
        )

    def rectify(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rectified (left, right); both must be grayscale uint8 of the calibration's image size."""
        left = as_gray_u8(left, "left image", self.size)
        right = as_gray_u8(right, "right image", self.size)
        left, right = as_gray_pair(left, right)
        if self.is_identity:
            return left, right
        return (
            cv2.remap(left, *self._left_maps, cv2.INTER_LINEAR),
            cv2.remap(right, *self._right_maps, cv2.INTER_LINEAR),
        )
