"""Chessboard stereo calibration on synthetic views of a board seen by a known rig."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from drone_ssl.stereo import CalibrationError, StereoCalibration
from drone_ssl.stereo.chessboard import Chessboard, calibrate_stereo

WIDTH, HEIGHT, HFOV, BASELINE = 320, 240, 60.0, 0.06
BOARD = Chessboard(columns=7, rows=5, square_m=0.03)
PX_PER_SQUARE = 40


def board_image() -> np.ndarray:
    """The printed board with a white margin of one square; inner corners at (1 + i, 1 + j) squares."""
    cols, rows = BOARD.columns + 1, BOARD.rows + 1
    image = np.full(((rows + 2) * PX_PER_SQUARE, (cols + 2) * PX_PER_SQUARE), 255, np.uint8)
    for j in range(rows):
        for i in range(cols):
            if (i + j) % 2 == 0:
                y, x = (j + 1) * PX_PER_SQUARE, (i + 1) * PX_PER_SQUARE
                image[y : y + PX_PER_SQUARE, x : x + PX_PER_SQUARE] = 0
    return image


def view(K: np.ndarray, R: np.ndarray, t: np.ndarray, printed: np.ndarray) -> np.ndarray:
    """The board as a camera (K, board-to-camera R, t) sees it; board pixel (u, v) lies at metres
    ((u / PX - 2) * square, (v / PX - 2) * square, 0) so the first inner corner is the board origin."""
    s = BOARD.square_m / PX_PER_SQUARE
    to_metres = np.array([[s, 0, -2 * BOARD.square_m], [0, s, -2 * BOARD.square_m], [0, 0, 1]])
    H = K @ np.column_stack([R[:, 0], R[:, 1], t]) @ to_metres
    return cv2.warpPerspective(printed, H, (WIDTH, HEIGHT), flags=cv2.INTER_AREA, borderValue=200)


def synthetic_pairs(count: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rig = StereoCalibration.ideal(WIDTH, HEIGHT, HFOV, BASELINE)
    rng = np.random.default_rng(seed)
    printed = board_image()
    centre = np.array([BOARD.columns - 1, BOARD.rows - 1, 0]) * BOARD.square_m / 2
    pairs = []
    while len(pairs) < count:
        R, _ = cv2.Rodrigues(rng.uniform(-0.45, 0.45, 3) + np.array([np.pi, 0, 0]))
        R = R @ np.diag([1, -1, -1])  # face the camera
        t = np.array([rng.uniform(-0.05, 0.05), rng.uniform(-0.04, 0.04), rng.uniform(0.35, 0.6)]) - R @ centre
        left = view(rig.K1, R, t, printed)
        right = view(rig.K2, R, t + rig.T.ravel(), printed)
        pairs.append((left, right))
    return pairs


def test_recovers_focal_length_and_baseline() -> None:
    report = calibrate_stereo(synthetic_pairs(8), BOARD)
    ideal = StereoCalibration.ideal(WIDTH, HEIGHT, HFOV, BASELINE)
    assert report.pairs_used == 8 and not report.rejected
    assert report.stereo_rms_px < 0.5 and report.left_rms_px < 0.5
    assert report.calibration.focal_px == pytest.approx(ideal.focal_px, rel=0.03)
    assert report.calibration.baseline_m == pytest.approx(BASELINE, rel=0.03)
    assert report.calibration.T[0, 0] < 0  # right camera to the right: OpenCV's T is left->right, x negative
    assert report.calibration.image_size == (WIDTH, HEIGHT)
    # the geometry the stack flies with: rectification (cropped to valid pixels) may rescale the focal length
    assert report.rectified_focal_px == pytest.approx(ideal.focal_px, rel=0.05)
    assert report.rectified_baseline_m == pytest.approx(BASELINE, rel=0.03)
    assert report.vertical_px_rms < 0.2 and report.vertical_px_p95 < 0.3
    assert report.warnings() == []


def shaken(pairs: list[tuple[np.ndarray, np.ndarray]], seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Right images shifted up or down by 1-2 px at random, pair by pair: cameras not rigidly mounted."""
    rng = np.random.default_rng(seed)
    out = []
    for left, right in pairs:
        dy = rng.choice([-1, 1]) * rng.uniform(1.0, 2.0)
        moved = cv2.warpAffine(right, np.array([[1.0, 0, 0], [0, 1, dy]]), (WIDTH, HEIGHT), borderValue=200)
        out.append((left, moved))
    return out


def test_rows_that_do_not_agree_are_warned_about() -> None:
    report = calibrate_stereo(shaken(synthetic_pairs(8), seed=4), BOARD)
    assert report.vertical_px_p95 > 0.5
    assert any("rectified rows disagree" in w for w in report.warnings())


def test_pairs_without_the_board_are_rejected_by_name() -> None:
    pairs = synthetic_pairs(6)
    blank = np.full((HEIGHT, WIDTH), 128, np.uint8)
    names = [f"{i:03d}.png" for i in range(7)]
    report = calibrate_stereo([*pairs, (blank, blank)], BOARD, names)
    assert report.rejected == ["006.png"] and report.pairs_used == 6


def test_too_few_pairs_is_a_clear_error() -> None:
    blank = np.full((HEIGHT, WIDTH), 128, np.uint8)
    with pytest.raises(CalibrationError, match="only 0 pairs"):
        calibrate_stereo([(blank, blank)] * 6, BOARD)


def test_board_must_be_asymmetric() -> None:
    with pytest.raises(CalibrationError, match="asymmetric"):
        Chessboard(6, 6, 0.03)


def test_calibrate_stereo_script_writes_a_loadable_file(tmp_path) -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "calibrate_stereo.py"
    for side in ("left", "right"):
        (tmp_path / side).mkdir()
    for i, (left, right) in enumerate(synthetic_pairs(6, seed=1)):
        cv2.imwrite(str(tmp_path / "left" / f"{i:02d}.png"), left)
        cv2.imwrite(str(tmp_path / "right" / f"{i:02d}.png"), right)
    out = tmp_path / "rig.yaml"
    args = ["--left", tmp_path / "left", "--right", tmp_path / "right", "--board", "7x5", "--square", "0.03"]
    done = subprocess.run([sys.executable, script, *args, "--out", out], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "pairs used: 6 of 6" in done.stdout and "reprojection RMS" in done.stdout
    assert "rectified (what the stack flies with): focal" in done.stdout and "warning" not in done.stdout
    assert StereoCalibration.load(out).baseline_m == pytest.approx(BASELINE, rel=0.05)
    (tmp_path / "right" / "00.png").unlink()
    done = subprocess.run([sys.executable, script, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "00.png" in done.stderr
