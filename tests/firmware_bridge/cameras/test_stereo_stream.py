"""Stereo input through VideoCapture: side-by-side and two-stream files, a live MJPEG URL, rectification, errors."""

import cv2
import numpy as np
import pytest

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl_bridge.cameras.stereo_stream import StereoStream, parse_source
from drone_ssl_bridge.errors import StereoStreamError
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, KinematicBody


def write_video(path, frames):
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (w, h))
    assert writer.isOpened()
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR))
    writer.release()
    return str(path)


def pair(i):
    left = np.full((96, 128), 40 + 10 * i, np.uint8)
    return left, 255 - left


def test_side_by_side_file_is_split_into_gray_halves(tmp_path):
    source = write_video(tmp_path / "sbs.avi", [np.hstack(pair(i)) for i in range(3)])
    stream = StereoStream(source, calibration=StereoCalibration.ideal(128, 96, 60.0, 0.06))
    stream.open()
    try:
        frames = [stream.read() for _ in range(3)]
        with pytest.raises(StereoStreamError, match="no more frames"):
            stream.read()
    finally:
        stream.close()
    for i, frame in enumerate(frames):
        assert frame.left.shape == frame.right.shape == (96, 128) and frame.left.dtype == np.uint8
        assert abs(int(frame.left.mean()) - (40 + 10 * i)) <= 2 and abs(int(frame.right.mean()) - (215 - 10 * i)) <= 2


def test_two_streams_pair_up_and_resize(tmp_path):
    left = write_video(tmp_path / "l.avi", [pair(i)[0] for i in range(2)])
    right = write_video(tmp_path / "r.avi", [pair(i)[1] for i in range(2)])
    stream = StereoStream(left, right, layout="two_streams", output_size=(64, 48))
    stream.open()
    try:
        frame = stream.read()
    finally:
        stream.close()
    assert frame.left.shape == (48, 64) and frame.right.mean() > frame.left.mean()


def test_rectification_uses_the_calibration(tmp_path):
    calib = StereoCalibration.ideal(128, 96, 60.0, 0.06)
    rotated = StereoCalibration(calib.image_size, calib.K1, calib.D1, calib.K2, calib.D2,
                                cv2.Rodrigues(np.array([0.0, 0.05, 0.0]))[0], calib.T)  # fmt: skip
    texture = np.random.default_rng(0).integers(0, 256, (96, 256), np.uint8)
    source = write_video(tmp_path / "t.avi", [texture])
    raw = StereoStream(source)
    rect = StereoStream(source, calibration=rotated)
    for s in (raw, rect):
        s.open()
    try:
        assert not np.array_equal(raw.read().right, rect.read().right)
    finally:
        raw.close()
        rect.close()


def test_live_mjpeg_url_from_the_emulator():
    with ARDroneEmulator(KinematicBody(), EmulatorPorts.ephemeral(), time_scale=4.0) as emu:
        stream = StereoStream(emu.stereo_url, calibration=StereoCalibration.ideal(128, 96, 60.0, 0.06))
        stream.open()
        try:
            first, second = stream.read(), stream.read()
        finally:
            stream.close()
    assert first.left.shape == (96, 128) and second.t > first.t


def test_bad_sources_and_layouts_raise_the_typed_error(tmp_path):
    with pytest.raises(StereoStreamError, match="cannot open"):
        StereoStream(str(tmp_path / "missing.avi")).open()
    with pytest.raises(StereoStreamError, match="right source"):
        StereoStream("a.avi", layout="two_streams")
    with pytest.raises(StereoStreamError, match="layout"):
        StereoStream("a.avi", layout="top_bottom")
    assert parse_source("0") == 0 and parse_source("http://127.0.0.1:8080/s.mjpg").startswith("http")
