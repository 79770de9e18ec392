"""The runner with a stand-in for fly.py: dependencies, resume, reruns from scratch, failures, parallel slots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from experiment_fixtures import FAKE_FLY_COMMAND, ctrl_c_after

from drone_ssl_lab.experiment import ExperimentError, ExperimentFolder, FlightSettings, Grid, GridRunner
from drone_ssl_lab.experiment.folder import FINISHED, SKIPPED, UNFINISHED
from drone_ssl_lab.experiment.runner import BLOCKED, DONE, FAILED, FLOWN

SETTINGS = FlightSettings(duration_s=30.0, cut_delay_s=5.0)


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_FLY_LOG", str(log))
    return log


def flown(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def run(folder: Path, grid: Grid, jobs: int = 2, settings: FlightSettings = SETTINGS) -> dict:
    runner = GridRunner(ExperimentFolder(folder), settings, jobs, FAKE_FLY_COMMAND, progress=False)
    return {o.spec.id: o for o in runner.run(grid.runs())}


def small_grid(conditions: tuple[str, ...] = ("persistent", "persistent_cut", "transfer")) -> Grid:
    return Grid(conditions, ("textons",), (0, 1), SETTINGS)


def test_runs_fly_after_what_they_build_on_with_the_resolved_arguments(tmp_path: Path, calls: Path) -> None:
    outcomes = run(tmp_path / "exp", small_grid())
    assert {o.state for o in outcomes.values()} == {FLOWN} and len(outcomes) == 6
    order = [c["run"] for c in flown(calls)]
    assert order.index("persistent-textons-seed0") < order.index("persistent_cut-textons-seed0")
    assert order.index("persistent-textons-seed0") < order.index("transfer-textons-seed1-from0")
    argv = {c["run"]: c["argv"] for c in flown(calls)}
    assert argv["persistent_cut-textons-seed1"][-2:] == ["--cut-stereo-at", "10"]  # switch 5 s + delay 5 s
    model = tmp_path / "exp" / "persistent-textons-seed0" / "mono_model.bin"
    assert argv["transfer-textons-seed1-from0"][-2:] == ["--model", str(model)]
    assert (tmp_path / "exp" / "transfer-textons-seed1-from0" / "fly.log").is_file()


def test_resume_skips_finished_runs_and_flies_unfinished_ones_from_scratch(tmp_path: Path, calls: Path) -> None:
    grid, folder = small_grid(("stereo", "persistent")), tmp_path / "exp"
    run(folder, grid)
    assert len(flown(calls)) == 4
    interrupted = folder / "stereo-textons-seed1"
    (interrupted / "summary.json").unlink()  # as if killed before the end: a folder without a summary
    (interrupted / "half_written.mcap").write_bytes(b"partial")
    calls.unlink()
    outcomes = run(folder, grid)
    assert [c["run"] for c in flown(calls)] == ["stereo-textons-seed1"]
    assert flown(calls)[0]["stale"] == ["fly.log"]  # emptied before flying again
    assert outcomes["stereo-textons-seed1"].state == FLOWN
    assert {o.state for k, o in outcomes.items() if k != "stereo-textons-seed1"} == {DONE}


def test_a_failed_run_blocks_what_builds_on_it_and_is_flown_again_next_time(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLY_FAIL", "persistent-textons-seed0")
    folder = tmp_path / "exp"
    outcomes = run(folder, small_grid())
    assert outcomes["persistent-textons-seed0"].state == FAILED
    assert "caught fire" in outcomes["persistent-textons-seed0"].detail
    assert outcomes["persistent_cut-textons-seed0"].state == BLOCKED
    assert outcomes["transfer-textons-seed1-from0"].state == BLOCKED
    assert outcomes["transfer-textons-seed0-from1"].state == FLOWN
    assert ExperimentFolder(folder).state(small_grid().runs()[0]) == UNFINISHED
    monkeypatch.delenv("FAKE_FLY_FAIL")
    calls.unlink()
    again = run(folder, small_grid())
    assert {c["run"] for c in flown(calls)} == {"persistent-textons-seed0", "persistent_cut-textons-seed0",
                                                "transfer-textons-seed1-from0"}  # fmt: skip
    assert all(o.state in (DONE, FLOWN) for o in again.values())


def test_a_run_with_nothing_to_measure_is_skipped_with_its_reason(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLY_SWITCH", "none")
    folder = ExperimentFolder(tmp_path / "exp")
    outcomes = run(folder.path, small_grid(("persistent", "persistent_cut")))
    cut = next(o for o in outcomes.values() if o.spec.condition == "persistent_cut")
    assert cut.state == SKIPPED and "never switched" in cut.detail
    assert folder.state(cut.spec) == SKIPPED and "never switched" in folder.skip_reason(cut.spec)
    assert all(c["run"].startswith("persistent-") for c in flown(calls))


def test_flight_processes_never_exceed_the_jobs_budget(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = tmp_path / "running"
    running.mkdir()
    monkeypatch.setenv("FAKE_FLY_RUNNING", str(running))
    run(tmp_path / "textons", Grid(("stereo",), ("textons",), (0, 1, 2, 3), SETTINGS), jobs=2)
    assert max(c["at_once"] for c in flown(calls)) <= 2  # texton flights: one process each
    calls.unlink()
    run(tmp_path / "cnn", Grid(("stereo",), ("cnn",), (0, 1, 2), SETTINGS), jobs=2)
    assert max(c["at_once"] for c in flown(calls)) == 1  # a CNN flight counts two: one at a time on 2 slots


def test_an_interrupted_experiment_stops_its_flights_and_leaves_them_to_fly_again(
    tmp_path: Path, calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_FLY_HANG", "1")
    folder = ExperimentFolder(tmp_path / "exp")
    grid = Grid(("stereo",), ("textons",), (0, 1), SETTINGS)

    with ctrl_c_after(1.5), pytest.raises(KeyboardInterrupt):
        GridRunner(folder, SETTINGS, 2, FAKE_FLY_COMMAND, progress=False).run(grid.runs())
    for spec in grid.runs():  # each flight got the interrupt and ended; none finished
        assert (folder.run_folder(spec) / "interrupted").is_file()
        assert folder.state(spec) == UNFINISHED
    monkeypatch.delenv("FAKE_FLY_HANG")
    outcomes = GridRunner(folder, SETTINGS, 2, FAKE_FLY_COMMAND, progress=False).run(grid.runs())
    assert [o.state for o in outcomes] == [FLOWN, FLOWN]


def test_a_runs_folder_keeps_one_set_of_flight_settings(tmp_path: Path, calls: Path) -> None:
    run(tmp_path / "exp", small_grid(("stereo",)))
    with pytest.raises(ExperimentError, match="duration_s differ"):
        run(tmp_path / "exp", small_grid(("stereo",)), settings=FlightSettings(60.0, 5.0))
    with pytest.raises(ExperimentError, match="--jobs must be at least 1"):
        GridRunner(ExperimentFolder(tmp_path / "x"), SETTINGS, 0, FAKE_FLY_COMMAND)


def test_merge_copies_finished_runs_of_another_shard(tmp_path: Path, calls: Path) -> None:
    grid = small_grid()
    one, two = ExperimentFolder(tmp_path / "shard1"), ExperimentFolder(tmp_path / "shard2")
    GridRunner(one, SETTINGS, 2, FAKE_FLY_COMMAND, progress=False).run(grid.shard(1, 2))
    GridRunner(two, SETTINGS, 2, FAKE_FLY_COMMAND, progress=False).run(grid.shard(2, 2))
    merged = ExperimentFolder(tmp_path / "all")
    assert merged.merge_from(one, grid.runs()) + merged.merge_from(two, grid.runs()) == 6
    assert all(merged.state(s) == FINISHED for s in grid.runs())
    assert merged.merge_from(one, grid.runs()) == 0
    other = ExperimentFolder(tmp_path / "other")
    GridRunner(other, FlightSettings(99.0, 5.0), 2, FAKE_FLY_COMMAND, progress=False).run(grid.shard(1, 2))
    with pytest.raises(ExperimentError, match="other settings"):
        merged.merge_from(other, grid.runs())


def test_a_summary_written_by_an_interrupted_flight_is_not_a_finished_run(tmp_path: Path) -> None:
    """fly.py writes its summary on every exit; the runner flies a run again unless it ended 'done'."""
    folder = ExperimentFolder(tmp_path / "exp")
    (spec,) = Grid(("stereo",), ("textons",), (0,), SETTINGS).runs()
    run_folder = folder.run_folder(spec)
    run_folder.mkdir(parents=True)
    for ended_by, state in (
        ("SIGINT", UNFINISHED),
        ("error: LinkLostError: link lost", UNFINISHED),
        ("done", FINISHED),
    ):
        (run_folder / "summary.json").write_text(json.dumps({"ended_by": ended_by, "collisions": 0}))
        assert folder.state(spec) == state, ended_by
    (run_folder / "summary.json").write_text(json.dumps({"collisions": 0}))  # runs from before ended_by
    assert folder.state(spec) == FINISHED
