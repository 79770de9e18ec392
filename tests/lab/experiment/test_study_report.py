"""The results folder from hand-made records: markdown with the command and verdicts, CSV files, plots."""

from __future__ import annotations

import csv
from pathlib import Path

from experiment_fixtures import record, scalars, window

from drone_ssl_lab.experiment import FlightSettings, Grid
from drone_ssl_lab.experiment.aggregate import RunRecord
from drone_ssl_lab.experiment.grid import RunSpec
from drone_ssl_lab.experiment.study_report import write_report

GRID = Grid(("stereo", "naive", "persistent", "persistent_cut", "transfer"), ("cnn", "textons"), (0, 1, 2),
            FlightSettings(120.0, 20.0, ("learner.active=true",)), window_s=30.0)  # fmt: skip


def records() -> list[RunRecord]:
    out = []
    for e in GRID.estimators:
        for s in GRID.seeds:
            windows = [window(30.0 * i, mono_gt_auc=0.6 + 0.1 * i, mono_gt_mae_m=0.5, mono_stereo_auc=0.7,
                              override_share=0.01 * i, mono_share=0.25 * i) for i in range(4)]  # fmt: skip
            out.append(record("stereo", e, s, scalars(collisions=s % 2, sim_time_s=120.0), windows))
            out.append(record("naive", e, s, scalars(collisions=2, sim_time_s=120.0, mono_s=60.0, mono_collisions=2,
                                                     switch_time_s=60.0), windows))  # fmt: skip
            out.append(record("persistent", e, s, scalars(sim_time_s=120.0, mono_s=60.0, switch_time_s=55.0 + s,
                                                          mono_gt_final_auc=0.9, overrides=1, mono_frames=600),
                              windows))  # fmt: skip
            out.append(record("transfer", e, (s + 1) % 3, scalars(sim_time_s=120.0, switch_time_s=30.0), windows,
                              source_seed=s))  # fmt: skip
        out.append(RunRecord(RunSpec("persistent_cut", e, 0, 0), "skipped", "its persistent run never switched"))
        out.append(RunRecord(RunSpec("persistent_cut", e, 1, 1), "unfinished", "error: out of disk"))
    return out


def test_the_report_answers_with_intervals_and_names_its_command(tmp_path: Path) -> None:
    command = "python scripts/experiment.py --seeds 3 --duration 120"
    written = write_report(tmp_path / "results", GRID, records(), command, "code abc123")
    names = {p.name for p in written}
    assert {"results.md", "results.csv", "comparisons.csv", "transfer.csv", "runs.csv", "learning_curves.png",
            "collisions.png", "overrides.png", "transfer.png"} <= names  # fmt: skip
    assert all(p.stat().st_size > 0 for p in written)
    text = (tmp_path / "results" / "results.md").read_text()
    assert f"`{command}` (code abc123)" in text and "`learner.active=true`" in text
    assert "persistent (cnn) has fewer collisions than naive (cnn)" in text
    assert "| persistent_cut-cnn-seed0 | skipped | its persistent run never switched |" in text
    assert "error: out of disk" in text and "![learning_curves](learning_curves.png)" in text
    with (tmp_path / "results" / "results.csv").open() as f:
        rows = list(csv.DictReader(f))
    naive = next(r for r in rows if (r["condition"], r["estimator"], r["figure"]) ==
                 ("naive", "textons", "mono_collisions_per_10min"))  # fmt: skip
    assert float(naive["value"]) == 20.0 and naive["n"] == "3" and naive["method"] == "bootstrap"
    with (tmp_path / "results" / "runs.csv").open() as f:
        assert len(list(csv.DictReader(f))) == len(records())
