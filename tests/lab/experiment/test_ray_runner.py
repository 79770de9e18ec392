"""Flights as Ray tasks on a local Ray (127.0.0.1, 2 CPUs): shared or returned run folders, CPU reservations, resume."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from experiment_fixtures import FAKE_FLY, ctrl_c_after

from drone_ssl_lab.experiment import ExperimentFolder, FlightSettings, Grid, GridRunner
from drone_ssl_lab.experiment.folder import FINISHED, UNFINISHED
from drone_ssl_lab.experiment.runner import DONE, FAILED, FLOWN

ray = pytest.importorskip("ray")
from drone_ssl_lab.experiment.ray_launcher import RayLauncher, start_ray  # noqa: E402

SETTINGS = FlightSettings(duration_s=30.0, cut_delay_s=5.0)
EXPERIMENT = Path(__file__).resolve().parents[3] / "scripts" / "experiment.py"


@pytest.fixture(scope="module")
def local_ray():
    start_ray(None, num_cpus=2)
    yield
    ray.shutdown()


def fake_fly(tmp_path: Path, **env: str) -> tuple[list[str], Path]:
    """The stand-in fly.py with its environment on the command line: Ray workers do not see ours."""
    log = tmp_path / "calls.jsonl"
    settings = [f"{k}={v}" for k, v in {"FAKE_FLY_LOG": str(log), **env}.items()]
    return ["env", *settings, sys.executable, str(FAKE_FLY)], log


def flown(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def run_on_ray(folder: ExperimentFolder, grid: Grid, command: list[str], shared: bool | None = None) -> dict:
    launcher = RayLauncher(folder, fly_command=command, shared=shared)
    outcomes = GridRunner(folder, SETTINGS, 2, [], progress=False, launcher=launcher).run(grid.runs())
    return {o.spec.id: o for o in outcomes}


def test_flights_on_a_shared_filesystem_write_in_place_in_dependency_order(local_ray, tmp_path: Path) -> None:
    command, log = fake_fly(tmp_path)
    folder = ExperimentFolder(tmp_path / "exp")
    grid = Grid(("persistent", "persistent_cut", "transfer"), ("textons",), (0, 1), SETTINGS)
    outcomes = run_on_ray(folder, grid, command)
    assert {o.state for o in outcomes.values()} == {FLOWN} and len(outcomes) == 6
    calls = {c["run"]: c for c in flown(log)}
    model = folder.path.resolve() / "persistent-textons-seed0" / "mono_model.bin"
    assert calls["transfer-textons-seed1-from0"]["argv"][-2:] == ["--model", str(model)]  # the driver's own file
    assert calls["persistent_cut-textons-seed1"]["argv"][-2:] == ["--cut-stereo-at", "10"]
    assert (folder.path / "transfer-textons-seed1-from0" / "fly.log").is_file()
    again = run_on_ray(folder, grid, command)  # resumable as the local runner: nothing flies twice
    assert {o.state for o in again.values()} == {DONE} and len(flown(log)) == 6


def test_a_node_without_the_runs_folder_returns_the_run_folder(local_ray, tmp_path: Path) -> None:
    command, log = fake_fly(tmp_path)
    folder = ExperimentFolder(tmp_path / "exp")
    grid = Grid(("persistent", "transfer"), ("textons",), (0, 1), SETTINGS)
    outcomes = run_on_ray(folder, grid, command, shared=False)
    assert {o.state for o in outcomes.values()} == {FLOWN}
    assert all(folder.state(spec) == FINISHED for spec in grid.runs())
    calls = {c["run"]: c for c in flown(log)}
    out = calls["transfer-textons-seed1-from0"]["argv"]
    shipped = Path(out[out.index("--model") + 1])
    assert shipped.name.endswith("mono_model.bin") and not shipped.is_relative_to(folder.path.resolve())
    assert (folder.path / "transfer-textons-seed1-from0" / "summary.json").is_file()
    assert (folder.path / "transfer-textons-seed1-from0" / "fly.log").is_file()


def test_each_task_reserves_the_cpus_its_flight_uses(local_ray, tmp_path: Path) -> None:
    running = tmp_path / "running"
    running.mkdir()
    command, log = fake_fly(tmp_path, FAKE_FLY_RUNNING=str(running))
    run_on_ray(ExperimentFolder(tmp_path / "textons"), Grid(("stereo",), ("textons",), (0, 1, 2, 3), SETTINGS), command)
    assert max(c["at_once"] for c in flown(log)) == 2  # one CPU each: two at once on 2 CPUs
    log.unlink()
    run_on_ray(ExperimentFolder(tmp_path / "cnn"), Grid(("stereo",), ("cnn",), (0, 1), SETTINGS), command)
    assert max(c["at_once"] for c in flown(log)) == 1  # a CNN flight reserves 2: one at a time


def test_a_failing_flight_is_reported_with_its_last_line(local_ray, tmp_path: Path) -> None:
    command, _ = fake_fly(tmp_path, FAKE_FLY_FAIL="stereo-textons-seed0")
    outcomes = run_on_ray(ExperimentFolder(tmp_path / "exp"), Grid(("stereo",), ("textons",), (0,), SETTINGS), command)
    assert outcomes["stereo-textons-seed0"].state == FAILED
    assert "caught fire" in outcomes["stereo-textons-seed0"].detail


def test_the_study_runs_real_flights_on_a_local_ray(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    args = ["--quick", "--ray", "--jobs", "2", "--estimators", "textons", "--conditions", "stereo,persistent",
            "--seeds", "1", "--duration", "8", "--window", "2", "--runs", str(runs),
            "--out", str(tmp_path / "out")]  # fmt: skip
    result = subprocess.run([sys.executable, str(EXPERIMENT), *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    for run in ("stereo-textons-seed0", "persistent-textons-seed0"):
        summary = json.loads((runs / run / "summary.json").read_text())
        assert summary["sim_time_s"] > 7 and (runs / run / "flight.mcap").is_file()
    assert "| persistent | textons | 1/1 |" in (tmp_path / "out" / "results.md").read_text()


def test_an_interrupted_study_stops_its_ray_flights_and_flies_them_again(local_ray, tmp_path: Path) -> None:
    hang, _ = fake_fly(tmp_path, FAKE_FLY_HANG="1")
    folder = ExperimentFolder(tmp_path / "exp")
    grid = Grid(("stereo",), ("textons",), (0, 1), SETTINGS)

    with ctrl_c_after(4.0), pytest.raises(KeyboardInterrupt):  # the flights have started (Ray workers are warm) by then
        run_on_ray(folder, grid, hang)
    for spec in grid.runs():  # each flight got the interrupt (it lands, as fly.py does) and none finished
        assert (folder.run_folder(spec) / "interrupted").is_file()
        assert folder.state(spec) == UNFINISHED
    command, _ = fake_fly(tmp_path)
    assert {o.state for o in run_on_ray(folder, grid, command).values()} == {FLOWN}
