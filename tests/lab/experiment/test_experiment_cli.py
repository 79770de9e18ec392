"""scripts/experiment.py: a tiny grid of real short flights end to end, resume, and one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

EXPERIMENT = Path(__file__).resolve().parents[3] / "scripts" / "experiment.py"


def experiment(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(EXPERIMENT), *args], capture_output=True, text=True, timeout=timeout)


def test_a_tiny_grid_of_real_flights_end_to_end(tmp_path: Path) -> None:
    runs, out = tmp_path / "runs", tmp_path / "results"
    args = ["--quick", "--estimators", "textons", "--conditions", "persistent,persistent_cut", "--seeds", "1",
            "--first-seed", "1", "--duration", "8", "--cut-delay", "1", "--window", "2", "--runs", str(runs),
            "--out", str(out)]  # fmt: skip
    result = experiment(*args)
    assert result.returncode == 0, result.stderr[-2000:]
    persistent = json.loads((runs / "persistent-textons-seed1" / "summary.json").read_text())
    assert persistent["strategy"] == "persistent" and persistent["seed"] == 1 and persistent["sim_time_s"] > 7
    assert (runs / "persistent-textons-seed1" / "flight.mcap").is_file()
    cut_folder = runs / "persistent_cut-textons-seed1"
    if persistent["switch_time_s"] is not None and persistent["switch_time_s"] + 1 < persistent["sim_time_s"]:
        cut = json.loads((cut_folder / "summary.json").read_text())
        assert cut["cut_stereo_at_s"] == pytest.approx(persistent["switch_time_s"] + 1)
    else:  # the loop's defaults changed so that it no longer switches this early: the cut run says so
        assert (cut_folder / "skipped.json").is_file()
    text = (out / "results.md").read_text()
    assert "--conditions persistent,persistent_cut" in text and "| persistent | textons | 1/1 |" in text
    with (out / "runs.csv").open() as f:
        assert [r["run"] for r in csv.DictReader(f)] == ["persistent-textons-seed1", "persistent_cut-textons-seed1"]
    assert json.loads((runs / "persistent-textons-seed1" / "metrics.json").read_text())["windows"]
    # Resumed, nothing is left to fly (the runner tests check that finished runs are skipped).
    listing = experiment(*args, "--dry-run")
    assert "persistent-textons-seed1" in listing.stdout and "2 runs, 0 to fly" in listing.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seeds", "0"], "--seeds must be at least 1"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--ray", "--dry-run"], "--ray flies runs"),
        (["--quick", "--full"], "not allowed with argument"),
        (["--conditions", "stereo,loop"], "choose from stereo, naive"),
        (["--estimators", "svm"], "choose from cnn, textons"),
        (["--conditions", "transfer"], "add 'persistent' too"),
        (["--seeds", "1"], "needs 2 or more seeds"),
        (["--duration", "-5"], "duration must be positive"),
        (["--shard", "3/2"], "--shard takes I/N"),
        (["--set", "sim.seed=4"], "--set sim.seed is chosen by the grid"),
        (["--set", "sim.nope=1"], "config key 'sim.nope': unknown key"),
        (["--config", "/nonexistent/room.yaml"], "does not exist"),
        (["--report-only"], "holds flights made with other settings (or none)"),
        (["--merge", "/nonexistent/shard"], "is not an experiment runs folder"),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_clear_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = experiment(*args, "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr.strip().splitlines()[-1]  # the error is one line, after argparse's usage
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_quick_grid_covers_every_condition_and_estimator(tmp_path: Path) -> None:
    result = experiment("--quick", "--runs", str(tmp_path / "runs"), timeout=1200)
    assert result.returncode == 0, result.stderr[-2000:]
    text = (tmp_path / "runs" / "results" / "results.md").read_text()
    for e in ("cnn", "textons"):
        assert f"{e}: does persistent SSL with training wheels collide less than naive switching" in text
        assert f"| transfer | {e} | 2/2 |" in text
    assert "persistent: cnn vs textons" in text
