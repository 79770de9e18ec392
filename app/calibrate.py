"""Calibrate a stereo camera from chessboard image pairs and write the OpenCV YAML the stack reads.

Usage: python scripts/calibrate_stereo.py --left shots/left --right shots/right --board 9x6 --square 0.025 \
           --out calib/          # writes calib/stereo_calibration.yaml
Pairs are matched by file name (left/0001.png with right/0001.png).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2

from drone_ssl.stereo.calibration import CalibrationError
from drone_ssl.stereo.chessboard import Chessboard, calibrate_stereo
from drone_ssl.vision.image_bytes import MAX_IMAGE_BYTES, decode_image_bytes
from drone_ssl_app.cli import command, out_file

CALIBRATION_FILE = "stereo_calibration.yaml"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".tif", ".tiff"}  # listed; PNG, JPEG read


def parse_board(text: str) -> tuple[int, int]:
    try:
        columns, rows = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--board must look like 9x6 (inner corners), got {text!r}") from exc
    return columns, rows


def image_pairs(left_dir: Path, right_dir: Path) -> list[tuple[str, Path, Path]]:
    """(name, left path, right path) for every image name present in both folders."""
    for folder in (left_dir, right_dir):
        if not folder.is_dir():
            raise CalibrationError(f"{folder} is not a folder of images")
    left = {p.name: p for p in left_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES}
    right = {p.name: p for p in right_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES}
    unmatched = sorted(set(left) ^ set(right))
    if unmatched:
        raise CalibrationError(f"images without a partner of the same name in the other folder: {', '.join(unmatched)}")
    return [(name, left[name], right[name]) for name in sorted(left)]


def read_gray(path: Path):
    """A chessboard photo as grey levels; only PNG and JPEG reach OpenCV's decoders (see image_bytes)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_IMAGE_BYTES + 1)
        return decode_image_bytes(data, cv2.IMREAD_GRAYSCALE)
    except OSError as exc:
        raise CalibrationError(f"{path} cannot be read ({exc.strerror})") from exc
    except ValueError as exc:
        raise CalibrationError(f"{path} cannot be read as an image: {exc}; use PNG or JPEG photos") from exc


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--left", type=Path, required=True, help="folder of left-camera chessboard images")
    parser.add_argument("--right", type=Path, required=True, help="folder of right-camera images, same file names")
    parser.add_argument("--board", type=parse_board, required=True, help="inner corners per row x per column, e.g. 9x6")
    parser.add_argument("--square", type=float, required=True, help="side of one chessboard square in metres")
    parser.add_argument("--out", type=Path, default=Path("."), metavar="DIR",
                        help=f"folder to write {CALIBRATION_FILE} into (default: the current folder)")  # fmt: skip
    args = parser.parse_args(argv)
    path = out_file(args.out, CALIBRATION_FILE, (".yaml", ".yml"))

    board = Chessboard(args.board[0], args.board[1], args.square)
    found = image_pairs(args.left, args.right)
    pairs = [(read_gray(left), read_gray(right)) for _, left, right in found]
    report = calibrate_stereo(pairs, board, [name for name, _, _ in found])
    path.parent.mkdir(parents=True, exist_ok=True)
    report.calibration.save(path)
    cal = report.calibration
    print(f"pairs used: {report.pairs_used} of {len(found)}")
    if report.rejected:
        print(f"board not found in both images of: {', '.join(report.rejected)}")
    print(
        f"reprojection RMS: stereo {report.stereo_rms_px:.3f} px, left {report.left_rms_px:.3f} px, "
        f"right {report.right_rms_px:.3f} px"
    )
    print(
        f"raw intrinsics: image size {cal.image_size[0]}x{cal.image_size[1]}, focal left {cal.focal_px:.1f} px, "
        f"right {float(cal.K2[0, 0]):.1f} px, camera distance {cal.baseline_m * 1000:.1f} mm"
    )
    print(
        f"rectified (what the stack flies with): focal {report.rectified_focal_px:.1f} px, "
        f"baseline {report.rectified_baseline_m * 1000:.1f} mm, "
        f"disparity at 1 m {report.rectified_focal_px * report.rectified_baseline_m:.1f} px"
    )
    print(
        f"rectified corners' vertical disparity: RMS {report.vertical_px_rms:.3f} px, "
        f"95th percentile {report.vertical_px_p95:.3f} px"
    )
    print(f"written: {path}")
    for warning in report.warnings():
        print(f"warning: {warning}")
    return 0


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
