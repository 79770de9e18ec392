"""Training samples streamed from many logs: stereo labels only (never ground truth), damaged logs tolerated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from flightlog_fixtures import WriteFlight

from drone_ssl.flightlog import FlightLogError, iter_samples


def test_samples_carry_the_stereo_label_of_each_labelled_frame(write_flight: WriteFlight) -> None:
    a, b = write_flight(frames=30, name="a.mcap"), write_flight(frames=20, name="b.mcap", depth_maps=True)
    samples = list(iter_samples([a.path, b.path]))
    want = [(fl.path, f) for fl in (a, b) for f in fl.frames if f.stereo is not None and f.stereo.valid]
    assert len(samples) == len(want) < 50  # frames without a right image or a label give no sample
    for sample, (path, frame) in zip(samples, want, strict=True):
        assert sample.log == path and sample.t == pytest.approx(frame.observation.t)
        np.testing.assert_array_equal(sample.left, frame.observation.left)
        assert sample.distance_m == frame.stereo.distance_m != frame.ground_truth["distance_m"]
        assert (sample.depth_m is not None) == (path == b.path)


def test_unlabelled_frames_on_request(write_flight: WriteFlight) -> None:
    flight = write_flight(frames=30)
    samples = list(iter_samples([flight.path], labelled_only=False))
    assert len(samples) == sum(f.stereo is not None for f in flight.frames)
    assert any(s.distance_m is None for s in samples)


def test_a_truncated_log_gives_its_prefix_and_an_unreadable_one_is_an_error_or_skipped(
    write_flight: WriteFlight, tmp_path: Path
) -> None:
    flight = write_flight(frames=40)
    cut = tmp_path / "cut.mcap"
    cut.write_bytes(flight.path.read_bytes()[: flight.path.stat().st_size // 2])
    junk = tmp_path / "junk.mcap"
    junk.write_bytes(b"not a log")
    assert 0 < len(list(iter_samples([cut]))) < len(list(iter_samples([flight.path])))
    with pytest.raises(FlightLogError, match="not an MCAP flight log"):
        list(iter_samples([junk, flight.path]))
    with pytest.warns(UserWarning, match="skipping .*junk.mcap"):
        assert len(list(iter_samples([junk, cut], skip_unreadable=True))) == len(list(iter_samples([cut])))
