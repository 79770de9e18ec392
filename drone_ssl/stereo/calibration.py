"""Stereo calibration in OpenCV's YAML form (K1, D1, K2, D2, R, T, image size) and rectification maps."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from drone_ssl.errors import DroneSSLError

MAX_IMAGE_SIDE_PX = 8192  # bounds the rectification maps allocated from a file


class CalibrationError(DroneSSLError):
    """A calibration file is missing, malformed or does not fit the images."""


@dataclass(frozen=True)
class StereoCalibration:
    """Intrinsics and extrinsics of a stereo pair; T in metres, left camera to right camera."""

    image_size: tuple[int, int]  # (width, height) in pixels
    K1: np.ndarray
    D1: np.ndarray
    K2: np.ndarray
    D2: np.ndarray
    R: np.ndarray
    T: np.ndarray

    @classmethod
    def ideal(cls, width: int, height: int, hfov_deg: float, baseline_m: float) -> StereoCalibration:
        """A perfect rectified pinhole pair (square pixels, centred principal point, no distortion)."""
        f = (width / 2) / math.tan(math.radians(hfov_deg) / 2)
        K = np.array([[f, 0.0, (width - 1) / 2], [0.0, f, (height - 1) / 2], [0.0, 0.0, 1.0]])
        zeros = np.zeros((1, 5))
        return cls(
            (width, height), K, zeros, K.copy(), zeros.copy(), np.eye(3), np.array([[-baseline_m], [0.0], [0.0]])
        )

    @property
    def focal_px(self) -> float:
        return float(self.K1[0, 0])

    @property
    def baseline_m(self) -> float:
        return float(np.linalg.norm(self.T))

    def save(self, path: str | Path) -> None:
        """Write the calibration as an OpenCV FileStorage YAML file."""
        fs = cv2.FileStorage(str(path), cv2.FILE_STORAGE_WRITE)
        try:
            fs.write("image_width", int(self.image_size[0]))
            fs.write("image_height", int(self.image_size[1]))
            for name in ("K1", "D1", "K2", "D2", "R", "T"):
                fs.write(name, np.asarray(getattr(self, name), dtype=np.float64))
        finally:
            fs.release()

    @classmethod
    def load(cls, path: str | Path) -> StereoCalibration:
        """Read an OpenCV FileStorage YAML calibration; raises CalibrationError naming what is wrong."""
        p = Path(path)
        if not p.is_file():
            raise CalibrationError(f"calibration file {p} does not exist; run scripts/calibrate_stereo.py first")
        try:
            width, height, mats = _read_file_storage(p)
        except (cv2.error, ValueError, OverflowError, TypeError, AttributeError, SystemError) as exc:
            # OpenCV asserts (not a map, a bad node type), its undecodable-text SystemError and int(NaN): damaged
            raise CalibrationError(f"calibration file {p} is damaged or not an OpenCV YAML calibration") from exc
        if not (0 < width <= MAX_IMAGE_SIDE_PX and 0 < height <= MAX_IMAGE_SIDE_PX):
            raise CalibrationError(
                f"calibration file {p}: image_width / image_height must be 1..{MAX_IMAGE_SIDE_PX}, got {width}x{height}"
            )
        if mats["T"].size != 3:
            raise CalibrationError(f"calibration file {p}: T must have 3 elements")
        mats["T"] = mats["T"].reshape(3, 1)
        return cls((width, height), **mats)

    def rectification(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(R1, R2, P1, P2, Q) of cv2.stereoRectify, cropped to valid pixels (alpha 0) as the stack flies it."""
        size = tuple(int(v) for v in self.image_size)
        R1, R2, P1, P2, Q, _, _ = cv2.stereoRectify(self.K1, self.D1, self.K2, self.D2, size, self.R, self.T, alpha=0)
        return R1, R2, P1, P2, Q

    def rectified_geometry(self) -> tuple[float, float]:
        """(focal length px, baseline m) of the rectified pair: what depth = f·B/d uses, not the raw K1."""
        Q = self.rectification()[4]
        return float(Q[2, 3]), float(1.0 / abs(Q[3, 2]))

    def rectification_maps(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(left map x, left map y, right map x, right map y, Q) for cv2.remap and reprojection."""
        size = tuple(int(v) for v in self.image_size)
        R1, R2, P1, P2, Q = self.rectification()
        m1x, m1y = cv2.initUndistortRectifyMap(self.K1, self.D1, R1, P1, size, cv2.CV_32FC1)
        m2x, m2y = cv2.initUndistortRectifyMap(self.K2, self.D2, R2, P2, size, cv2.CV_32FC1)
        return m1x, m1y, m2x, m2y, Q


def _read_file_storage(p: Path) -> tuple[int, int, dict[str, np.ndarray]]:
    """Image size and matrices from an OpenCV FileStorage file; raises CalibrationError or OpenCV's errors."""
    fs = cv2.FileStorage(str(p), cv2.FILE_STORAGE_READ)
    try:
        if not fs.isOpened():
            raise CalibrationError(f"calibration file {p} cannot be opened as OpenCV YAML")
        width, height = (int(fs.getNode(k).real()) for k in ("image_width", "image_height"))
        mats = {}
        for name, shape in (("K1", (3, 3)), ("D1", None), ("K2", (3, 3)), ("D2", None), ("R", (3, 3)), ("T", None)):
            m = fs.getNode(name).mat()
            if m is None or (shape is not None and m.shape != shape) or m.size > 16 or not np.all(np.isfinite(m)):
                raise CalibrationError(f"calibration file {p}: {name} is missing or malformed")
            mats[name] = m.astype(np.float64)
    finally:
        fs.release()
    return width, height, mats
