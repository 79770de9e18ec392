"""Calibrate a stereo camera from chessboard image pairs (OpenCV), reporting the reprojection errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from drone_ssl.stereo.calibration import CalibrationError, StereoCalibration
from drone_ssl.vision.image_input import as_gray_pair

_SUBPIX = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 1e-4)
MIN_PAIRS = 5
# Beyond these the labels cannot be trusted: the matcher's rows drift apart (0.5 px is where label errors start
# to grow on real pairs, `bench.py perception` camera effects), and a reprojection RMS over 1 px means the
# model does not fit the images.
MAX_TRUSTED_RMS_PX = 1.0
MAX_TRUSTED_VERTICAL_PX = 0.5


@dataclass(frozen=True)
class Chessboard:
    """A printed chessboard: inner corners per row (`columns`) and per column (`rows`), square side in metres."""

    columns: int
    rows: int
    square_m: float

    def __post_init__(self) -> None:
        if self.columns < 3 or self.rows < 3 or self.columns == self.rows:
            raise CalibrationError(
                f"chessboard {self.columns}x{self.rows}: need at least 3x3 inner corners, and an asymmetric board "
                "(e.g. 9x6) so its orientation is unambiguous"
            )
        if not self.square_m > 0:
            raise CalibrationError(f"chessboard square size must be positive, got {self.square_m}")

    def object_points(self) -> np.ndarray:
        """(N, 3) corner positions on the board plane, metres."""
        grid = np.mgrid[0 : self.columns, 0 : self.rows].T.reshape(-1, 2)
        return np.hstack([grid * self.square_m, np.zeros((len(grid), 1))]).astype(np.float32)


@dataclass(frozen=True)
class CalibrationReport:
    calibration: StereoCalibration
    stereo_rms_px: float  # reprojection error of the joint stereo fit
    left_rms_px: float
    right_rms_px: float
    pairs_used: int
    rectified_focal_px: float  # what the stack computes depth with, after rectification
    rectified_baseline_m: float
    vertical_px_rms: float  # |y left - y right| of the rectified chessboard corners: 0 for a perfect calibration
    vertical_px_p95: float
    rejected: list[str] = field(default_factory=list)  # names of pairs where the board was not found in both

    def warnings(self) -> list[str]:
        """What makes this calibration unfit to fly on, one line each; empty when it can be trusted."""
        out = []
        if self.stereo_rms_px > MAX_TRUSTED_RMS_PX:
            out.append(
                f"reprojection RMS {self.stereo_rms_px:.2f} px is above {MAX_TRUSTED_RMS_PX} px: retake the images "
                "(sharp, whole board, varied poses and distances)"
            )
        if self.vertical_px_p95 > MAX_TRUSTED_VERTICAL_PX:
            out.append(
                f"rectified rows disagree by up to {self.vertical_px_p95:.2f} px (95th percentile of the corners) "
                f"> {MAX_TRUSTED_VERTICAL_PX} px: stereo labels would be wrong or missing; check that the two "
                "cameras are rigidly mounted and triggered together, and recalibrate"
            )
        return out


def find_corners(image: np.ndarray, board: Chessboard) -> np.ndarray | None:
    """(N, 1, 2) sub-pixel corners, or None when the whole board is not visible."""
    size = (board.columns, board.rows)
    flags = cv2.CALIB_CB_ADAPTIVE_THRESH | cv2.CALIB_CB_NORMALIZE_IMAGE
    found, corners = cv2.findChessboardCorners(image, size, flags=flags)
    if not found:
        return None
    return cv2.cornerSubPix(image, corners, (5, 5), (-1, -1), _SUBPIX)


def calibrate_stereo(
    pairs: Sequence[tuple[np.ndarray, np.ndarray]], board: Chessboard, names: Sequence[str] | None = None
) -> CalibrationReport:
    """Intrinsics of each camera, then their relative pose; raises CalibrationError with too few usable pairs."""
    names = list(names) if names is not None else [f"pair {i}" for i in range(len(pairs))]
    left_points, right_points, rejected = [], [], []
    size: tuple[int, int] | None = None
    for name, (left, right) in zip(names, pairs, strict=True):
        left, right = as_gray_pair(left, right)
        if size is None:
            size = (left.shape[1], left.shape[0])
        elif size != (left.shape[1], left.shape[0]):
            raise CalibrationError(f"{name} is {left.shape[1]}x{left.shape[0]}, the first pair {size[0]}x{size[1]}")
        corners_l, corners_r = find_corners(left, board), find_corners(right, board)
        if corners_l is None or corners_r is None:
            rejected.append(name)
            continue
        left_points.append(corners_l)
        right_points.append(corners_r)
    if len(left_points) < MIN_PAIRS:
        raise CalibrationError(
            f"the {board.columns}x{board.rows} board was found in both images of only {len(left_points)} pairs; "
            f"need {MIN_PAIRS} or more (check --board, lighting, and that the whole board is in view)"
        )
    objects = [board.object_points()] * len(left_points)
    left_rms, K1, D1, _, _ = cv2.calibrateCamera(objects, left_points, size, None, None)
    right_rms, K2, D2, _, _ = cv2.calibrateCamera(objects, right_points, size, None, None)
    stereo_rms, K1, D1, K2, D2, R, T, _, _ = cv2.stereoCalibrate(
        objects, left_points, right_points, K1, D1, K2, D2, size, flags=cv2.CALIB_FIX_INTRINSIC, criteria=_SUBPIX
    )
    calibration = StereoCalibration(size, K1, D1, K2, D2, R, T.reshape(3, 1))
    focal, baseline = calibration.rectified_geometry()
    vertical = rectified_vertical_px(calibration, left_points, right_points)
    return CalibrationReport(
        calibration,
        float(stereo_rms),
        float(left_rms),
        float(right_rms),
        len(left_points),
        focal,
        baseline,
        float(np.sqrt(np.mean(vertical**2))),
        float(np.percentile(vertical, 95)),
        rejected,
    )


def rectified_vertical_px(
    calibration: StereoCalibration, left_points: Sequence[np.ndarray], right_points: Sequence[np.ndarray]
) -> np.ndarray:
    """|y left - y right| (px) of every corner pair after rectification: the row error the matcher will see."""
    R1, R2, P1, P2, _ = calibration.rectification()
    left = cv2.undistortPoints(np.concatenate(left_points), calibration.K1, calibration.D1, R=R1, P=P1)
    right = cv2.undistortPoints(np.concatenate(right_points), calibration.K2, calibration.D2, R=R2, P=P2)
    return np.abs(left[:, 0, 1] - right[:, 0, 1])
