"""A flight report from its log: the live flight's plots and figures, a timeline and summary.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from replay_logs import write_log

from drone_ssl.replay import ReplayError, write_report
from drone_ssl_app.config import load_config

PERCEPTION = load_config().perception


def test_the_report_draws_the_flight_and_sums_it_up(mono_flight: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    written = write_report(mono_flight, out, PERCEPTION, 0.95)
    names = [p.name for p in written]
    assert names == ["trajectory.png", "distances.png", "learning_curve.png", "timeline.png", "summary.md"]
    assert all(p.stat().st_size > 1000 or p.suffix == ".md" for p in written)
    summary = (out / "summary.md").read_text()
    assert "collisions                     1" in summary and "overrides                      2" in summary
    assert "time_in_phase_s                mono=4" in summary
    assert "t=2.00 s override:" in summary and "t=3.50 s collision:" in summary
    assert "evaluation only" in summary
    with pytest.raises(ReplayError, match="already exists and is not empty"):
        write_report(mono_flight, out, PERCEPTION, 0.95)


def test_a_log_without_decisions_or_pose_still_gets_distances_and_a_timeline(tmp_path: Path) -> None:
    path = tmp_path / "bare.mcap"
    write_log(path, frames=12)
    written = write_report(path, tmp_path / "report", PERCEPTION, 0.95)
    assert {"distances.png", "timeline.png", "summary.md"} <= {p.name for p in written}


def test_the_frame_period_comes_from_the_logged_frame_times_whichever_device_flew() -> None:
    from drone_ssl.replay.report.flight_summary import DEFAULT_FRAME_PERIOD_S, logged_frame_period_s

    rng = np.random.default_rng(0)
    real_drone = np.cumsum(1 / 15 + rng.normal(0, 0.004, 200))  # a 15 Hz stream with jitter, no sim.* setting
    real_drone[50] = np.nan
    assert logged_frame_period_s(real_drone) == pytest.approx(1 / 15, rel=0.03)
    assert logged_frame_period_s(np.array([3.0])) == DEFAULT_FRAME_PERIOD_S
