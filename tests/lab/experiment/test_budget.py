"""The training-budget sweep's table and plot, from run folders with known figures."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from drone_ssl_lab.experiment import budget
from drone_ssl_lab.experiment.budget import TEXTONS, budget_row, plot, write_table


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict]:
    """Run folders named by their figures: run_metrics answers from this table, never from a log."""
    table: dict[str, dict] = {}
    monkeypatch.setattr(budget, "run_metrics", lambda folder, window_s: {"scalars": table[Path(folder).name]})
    return table


def test_rows_count_switches_and_bound_every_interval(figures: dict, tmp_path: Path) -> None:
    figures.update({
        "a": {"switch_time_s": 40.0, "mono_gt_final_auc": 0.97, "mono_gt_final_mae_m": 0.30},
        "b": {"switch_time_s": None, "mono_gt_final_auc": 0.80, "mono_gt_final_mae_m": 0.50},
        "c": {"switch_time_s": 60.0, "mono_gt_final_auc": 1.00, "mono_gt_final_mae_m": 0.20},
        "t1": {"switch_time_s": 90.0, "mono_gt_final_auc": 0.90, "mono_gt_final_mae_m": 0.40},
    })  # fmt: skip
    cnn = budget_row("6", 6.0, 32, [tmp_path / n for n in ("a", "b", "c")], 30.0)
    assert (cnn.runs, cnn.switched, cnn.samples_per_sim_s) == (3, 2, 192.0)
    assert cnn.switch_time_s.value == pytest.approx(50.0) and cnn.switch_time_s.n == 2  # the rooms that switched
    assert 40.0 <= cnn.switch_time_s.low <= cnn.switch_time_s.high <= 60.0
    assert cnn.final_auc.value == pytest.approx(0.9233, abs=1e-3) and cnn.final_auc.high <= 1.0
    textons = budget_row(TEXTONS, math.nan, 32, [tmp_path / "t1"], 30.0)
    assert math.isnan(textons.samples_per_sim_s) and not textons.final_auc.has_interval
    csv_path, md_path = write_table([cnn, textons], tmp_path / "out")
    rows = list(csv.DictReader(csv_path.open()))
    assert [r["estimator"] for r in rows] == ["6", TEXTONS] and rows[0]["switched"] == "2"
    text = md_path.read_text()
    assert "| cnn | 6 | 192 | 2/3 | 50 [" in text and "| textons | – | – | 1/1 | 90 (n=1) |" in text
    png = plot([cnn, textons], tmp_path / "out" / "budget.png")
    assert png.stat().st_size > 10_000
