"""Calibration files: read in pure Python (never cv2.FileStorage), OpenCV's own files still read, written whole."""

from __future__ import annotations

import errno
from pathlib import Path

import cv2
import numpy as np
import pytest

from drone_ssl.errors import SaveError
from drone_ssl.stereo.calibration import CalibrationError, StereoCalibration

# What cv2.FileStorage wrote for StereoCalibration.ideal(128, 96, 60.0, 0.1) before issue 21: such files are read on.
OPENCV_WRITTEN = (Path(__file__).parent / "opencv_written_calibration.yaml").read_text()
IDEAL = StereoCalibration.ideal(128, 96, 60.0, 0.1)


def same(a: StereoCalibration, b: StereoCalibration) -> bool:
    return a.image_size == b.image_size and all(
        np.array_equal(getattr(a, n), getattr(b, n)) for n in ("K1", "D1", "K2", "D2", "R", "T")
    )


@pytest.fixture
def no_file_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    """cv2.FileStorage's parser writes out of bounds on damaged files: reading must never reach it."""

    def refuse(*args: object) -> None:
        raise AssertionError("cv2.FileStorage was used")

    monkeypatch.setattr(cv2, "FileStorage", refuse)


@pytest.mark.parametrize("header", ["%YAML 1.2", "%YAML:1.0"])
def test_files_opencv_wrote_are_read_without_opencv(tmp_path: Path, no_file_storage: None, header: str) -> None:
    path = tmp_path / "calib.yaml"
    path.write_text(OPENCV_WRITTEN.replace("%YAML 1.2", header))
    assert same(StereoCalibration.load(path), IDEAL)


def test_what_we_write_reads_back_exactly_and_opencv_reads_it_too(tmp_path: Path) -> None:
    cal = StereoCalibration(
        (640, 480), IDEAL.K1 * 5.3, np.array([[1e-5, -2.5e-7, 3.0, 1e16, 0.1]]), IDEAL.K2, np.zeros((1, 8)),
        IDEAL.R, np.array([[-0.0612], [1e-9], [0.0]]),
    )  # fmt: skip
    path = tmp_path / "calib.yaml"
    cal.save(path)
    assert same(StereoCalibration.load(path), cal)
    fs = cv2.FileStorage(str(path), cv2.FILE_STORAGE_READ)  # our own file, not outside input: safe to check
    assert np.array_equal(fs.getNode("D1").mat(), cal.D1) and fs.getNode("image_width").real() == 640
    fs.release()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("%YAML:1.0\n---\nimage_width: 128\n", "image_height is missing"),
        ("%YAML:1.0\nimage_width: [1\n", "not valid YAML at line"),
        ("- 1\n- 2\n", "does not hold a mapping"),
        (OPENCV_WRITTEN.replace("rows: 3\n   cols: 1", "rows: 300000\n   cols: 1"), "T: rows and cols"),
        (OPENCV_WRITTEN.replace("dt: d", "dt: 3d", 1), "K1: dt must be"),
        (OPENCV_WRITTEN.replace("0., 0., 1. ]", "0., 0. ]", 1), "K1: data must be a list of rows x cols = 9"),
        (OPENCV_WRITTEN.replace("[ 1., 0.,", "[ .nan, 0.,"), "R is missing or malformed"),
        (OPENCV_WRITTEN.replace("[ 1., 0.,", "[ one, 0.,"), "R: data holds 'one'"),
        (OPENCV_WRITTEN.replace("K1: !!opencv-matrix\n", "K1: !!opencv-matrix [1]\nX: !!opencv-matrix\n"), "mapping"),
        ("a: &a [1, 2]\nb: [*a, *a, *a]\n", "image_width is missing"),
    ],
)
def test_malformed_files_say_what_is_wrong(tmp_path: Path, no_file_storage: None, text: str, problem: str) -> None:
    path = tmp_path / "calib.yaml"
    path.write_text(text)
    with pytest.raises(CalibrationError, match=problem):
        StereoCalibration.load(path)


def test_a_huge_or_endless_file_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    path = tmp_path / "calib.yaml"
    path.write_text(OPENCV_WRITTEN + "#" * 70_000)
    with pytest.raises(CalibrationError, match="larger than 64 KiB"):
        StereoCalibration.load(path)
    if Path("/dev/zero").exists():
        with pytest.raises(CalibrationError, match="not a regular file"):  # refused before any read
            StereoCalibration.load("/dev/zero")


def test_a_full_disk_leaves_no_calibration_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import drone_ssl.atomic_file as atomic_file

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_file.os, "fsync", full)
    with pytest.raises(SaveError, match="calib.yaml: No space left on device"):
        IDEAL.save(tmp_path / "calib.yaml")
    assert list(tmp_path.iterdir()) == []
