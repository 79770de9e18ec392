"""Dataset export: lossless PNGs, labels.csv and a streamed dataset.npz that match the logs; all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from replay_logs import write_log

from drone_ssl.flightlog import FlightLogReader
from drone_ssl.flightlog.images import decode_png
from drone_ssl.replay import ReplayError, export_dataset


def test_the_export_holds_every_labelled_frame_as_logged(tmp_path: Path) -> None:
    logs = [tmp_path / "a.mcap", tmp_path / "b.mcap"]
    write_log(logs[0], frames=12, labels=lambda i, d: None if i % 4 == 0 else d)
    write_log(logs[1], frames=6, seed=1, depth_maps=False)
    out = tmp_path / "dataset"
    figures = export_dataset(logs, out)
    assert figures["frames"] == 9 + 6 and figures["with_depth"] == 9 and figures["image_size"] == "64x48"
    rows = list(csv.DictReader((out / "labels.csv").open()))
    frames = [f for log in logs for f in FlightLogReader(log).frames() if f.stereo.valid]
    assert len(rows) == len(frames)
    with np.load(out / "dataset.npz", allow_pickle=False) as data:
        assert data["images"].shape == (15, 48, 64) and data["depth_m"].shape == (15, 48, 64)
        for i, (row, frame) in enumerate(zip(rows, frames, strict=True)):
            image = decode_png((out / row["image"]).read_bytes())
            np.testing.assert_array_equal(image, frame.left)
            np.testing.assert_array_equal(data["images"][i], frame.left)
            assert float(row["stereo_distance_m"]) == pytest.approx(frame.stereo.distance_m)
            assert data["distance_m"][i] == pytest.approx(frame.stereo.distance_m)
            assert float(row["eval_true_distance_m"]) == pytest.approx(frame.ground_truth["nearest_ahead_m"])
            if frame.stereo.depth_m is not None:
                np.testing.assert_allclose(data["depth_m"][i], frame.stereo.depth_m, atol=1e-3)
            else:
                assert row["depth_image"] == "" and np.isnan(data["depth_m"][i]).all()
        assert list(data["log_paths"]) == [str(p) for p in logs]
    assert "evaluation only" in (out / "README.txt").read_text()


def test_a_failed_export_leaves_nothing_and_a_used_folder_is_refused(tmp_path: Path) -> None:
    logs = [tmp_path / "a.mcap", tmp_path / "big.mcap"]
    write_log(logs[0], frames=4)
    write_log(logs[1], frames=4, size=(128, 96))
    with pytest.raises(ReplayError, match="one camera size"):
        export_dataset(logs, tmp_path / "dataset")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mcap", "big.mcap"]
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    with pytest.raises(ReplayError, match="already exists and is not empty"):
        export_dataset(logs[:1], used)
    assert [p.name for p in used.iterdir()] == ["keep.txt"]
