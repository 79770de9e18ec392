"""Stereo calibration in OpenCV's YAML form (K1, D1, K2, D2, R, T, image size) and rectification maps."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from drone_ssl.atomic_file import write_text_atomically
from drone_ssl.errors import DroneSSLError
from drone_ssl.stereo.opencv_yaml import OpenCvYamlError, opencv_yaml_text, read_opencv_yaml

MAX_IMAGE_SIDE_PX = 8192  # bounds the rectification maps allocated from a file
MAX_MATRIX_SIZE = 16  # a distortion vector has at most 14 coefficients
MATRICES = {"K1": (3, 3), "D1": None, "K2": (3, 3), "D2": None, "R": (3, 3), "T": None}  # name -> shape (None: any)


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
        """Write the calibration in OpenCV's YAML layout, whole or not at all (SaveError: nothing written)."""
        sizes = {"image_width": int(self.image_size[0]), "image_height": int(self.image_size[1])}
        mats = {name: np.asarray(getattr(self, name), dtype=np.float64) for name in MATRICES}
        write_text_atomically(path, opencv_yaml_text({**sizes, **mats}))

    @classmethod
    def load(cls, path: str | Path) -> StereoCalibration:
        """Read a calibration in OpenCV's YAML layout (ours, or cv2.FileStorage's); raises CalibrationError naming
        what is wrong. Parsed in pure Python: cv2.FileStorage's parser corrupts memory on damaged files."""
        p = Path(path)
        if not p.exists():
            raise CalibrationError(f"calibration file {p} does not exist; run drone-ssl calibrate first")
        if not p.is_file():
            raise CalibrationError(f"calibration file {p} is not a regular file; pass the calibration YAML")
        try:
            values = read_opencv_yaml(p)
        except OSError as exc:
            raise CalibrationError(f"calibration file {p} cannot be read ({exc.strerror}); check the path") from exc
        except OpenCvYamlError as exc:
            raise CalibrationError(f"calibration file {p} is damaged or not an OpenCV YAML calibration: {exc}") from exc
        width, height = (_whole(p, values, key) for key in ("image_width", "image_height"))
        if not (0 < width <= MAX_IMAGE_SIDE_PX and 0 < height <= MAX_IMAGE_SIDE_PX):
            raise CalibrationError(
                f"calibration file {p}: image_width / image_height must be 1..{MAX_IMAGE_SIDE_PX}, got {width}x{height}"
            )
        mats = {name: _matrix(p, values, name, shape) for name, shape in MATRICES.items()}
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


def _whole(p: Path, values: dict, key: str) -> int:
    value = values.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CalibrationError(f"calibration file {p}: {key} is missing or not a whole number")
    return value


def _matrix(p: Path, values: dict, name: str, shape: tuple[int, int] | None) -> np.ndarray:
    m = values.get(name)
    if (
        not isinstance(m, np.ndarray)
        or (shape is not None and m.shape != shape)
        or m.size > MAX_MATRIX_SIZE
        or not np.all(np.isfinite(m))
    ):
        raise CalibrationError(f"calibration file {p}: {name} is missing or malformed")
    return m
