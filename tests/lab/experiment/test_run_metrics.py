"""Per-run metrics from a run folder: a hand-made flight log with known readings, truth, overrides and a collision."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from drone_ssl.arbiter import Decision, OverrideEvent, Phase
from drone_ssl.config import dump_config
from drone_ssl.flightlog import FlightLogWriter, LoggedStereo
from drone_ssl.mono.reading import MonoReading
from drone_ssl.types import DroneState, Observation
from drone_ssl_app.config import load_config
from drone_ssl_lab.experiment.flight_series import read_series
from drone_ssl_lab.experiment.run_metrics import METRICS_FILE, decision_settings, run_metrics

FRAMES, START = 120, 2.0  # 12 s at 10 Hz, the log's clock starting at 2 s
CUT_AT = 10.0


def truth(i: int) -> float:
    return 0.6 if (i // 10) % 2 == 0 else 3.0  # an obstacle (< 1.2 m) every other second


def phase(i: int) -> str:
    return "stereo" if i < 60 else "mono" if i < 100 else "mono_only"


def logged_decision(t: float, name: str, d: float) -> Decision:
    cue = "stereo" if name == "stereo" else "mono"
    return Decision(t, Phase(name), cue, d < 1.2, d, None, 1.2)


def write_run(folder: Path, with_log: bool = True) -> Path:
    folder.mkdir()
    (folder / "config.yaml").write_text(dump_config(load_config()))
    summary = {"sim_time_s": 12.0, "collisions": 1, "distance_flown_m": 5.0, "switch_time_s": 6.0, "overrides": 2,
               "mono_frames": 60, "time_in_phase_s": {"stereo": 6.0, "mono": 4.0, "mono_only": 2.0},
               "collisions_by_phase": {"mono": 1}, "cut_stereo_at_s": CUT_AT}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary))
    if not with_log:
        return folder
    state = DroneState((0.0, 0.0, 1.0), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), 1.0, 100.0, True)
    image = np.zeros((24, 32), np.uint8)
    with FlightLogWriter(folder / "flight.mcap", "sim: {}\n", {}, {}) as log:
        for i in range(FRAMES):
            t, d = START + 0.1 * i, truth(i)
            stereo = LoggedStereo(d + 0.1, 0.9, True) if i < 100 else None
            observation = Observation(t, image, image if stereo else None, state)
            truth_now = {"nearest_ahead_m": d, "collisions": int(i >= 70)}
            log.log_frame(
                observation, stereo, MonoReading(d * 1.1, 0.5), logged_decision(t, phase(i), d), None, truth_now
            )
            if i in (65, 66):
                log.log_override(t, OverrideEvent(t, d, d * 1.1, 1.0, 3.0))
            if i == 70:
                log.log_collision(t, {"collisions": 1, "phase": "mono"})
    return folder


def test_the_log_as_arrays(tmp_path: Path) -> None:
    s = read_series(write_run(tmp_path / "run") / "flight.mcap")
    assert s.frames == FRAMES and s.complete and s.t[0] == 0.0 and s.duration_s == pytest.approx(11.9)
    assert list(s.phase[[0, 60, 110]]) == ["stereo", "mono", "mono_only"]
    assert s.override_t == pytest.approx([6.5, 6.6]) and s.collisions[-1] == 1 and s.collisions[69] == 0
    assert np.isnan(s.stereo_m[100:]).all() and s.mono_m[0] == pytest.approx(0.66)


def test_run_metrics_from_summary_and_log(tmp_path: Path) -> None:
    folder = write_run(tmp_path / "run")
    m = run_metrics(folder, 3.0)
    s = m["scalars"]
    assert (s["mono_flight_s"], s["mono_flight_collisions"], s["stereo_s"], s["switched"]) == (6.0, 1, 6.0, True)
    assert s["mono_gt_auc"] == 1.0 and s["mono_gt_mae_m"] == pytest.approx(
        0.1 * np.mean([truth(i) for i in range(FRAMES)])
    )
    assert s["stereo_gt_mae_m"] == pytest.approx(0.1) and s["mono_gt_on_mono_auc"] == 1.0
    assert s["phase_at_cut"] == "mono" and s["flown_after_cut_s"] == pytest.approx(1.9)
    windows = m["windows"]
    assert [w["t_start"] for w in windows] == [0.0, 3.0, 6.0, 9.0]
    w = windows[2]  # 6-9 s: on mono, both overrides and the collision
    assert (w["frames"], w["mono_frames"], w["overrides"], w["collisions"]) == (30, 30, 2, 1)
    assert w["override_share"] == pytest.approx(2 / 30) and w["mono_share"] == 1.0
    assert w["mono_gt_auc"] == 1.0 and w["mono_gt_mae_m"] == pytest.approx(0.1 * (20 * 0.6 + 10 * 3.0) / 30)
    assert windows[0]["override_share"] is None and windows[3]["stereo_gt_mae_m"] is not None  # 9-10 s had stereo


def test_metrics_are_cached_per_window_length(tmp_path: Path) -> None:
    folder = write_run(tmp_path / "run")
    first = run_metrics(folder, 3.0)
    assert json.loads((folder / METRICS_FILE).read_text()) == first
    (folder / "flight.mcap").unlink()  # a cached result no longer needs the log
    assert run_metrics(folder, 3.0) == first
    assert run_metrics(folder, 6.0)["windows"] == []  # another window length: recomputed, now without a log


def test_a_run_without_a_log_keeps_its_summary_figures(tmp_path: Path) -> None:
    m = run_metrics(write_run(tmp_path / "run", with_log=False), 3.0)
    assert m["log"] is False and m["windows"] == [] and m["scalars"]["mono_only_s"] == 2.0
    assert "mono_gt_auc" not in m["scalars"]


def test_the_decision_threshold_comes_from_the_runs_own_config_read_leniently(tmp_path: Path) -> None:
    folder = tmp_path / "old_run"
    folder.mkdir()
    (folder / "config.yaml").write_text("perception:\n  avoid_distance_m: 2.0\n  removed_since: 1\n")
    assert decision_settings(folder) == (2.0, load_config().learner.target_tpr)
    (folder / "config.yaml").write_text(": not yaml [")
    assert decision_settings(folder)[0] == load_config().perception.avoid_distance_m
