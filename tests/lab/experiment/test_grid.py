"""The grid: run ids and order, shards, checks with one-line errors, presets, and each run's fly.py arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drone_ssl_app.config import load_config
from drone_ssl_lab.experiment import CONDITIONS, PRESETS, ExperimentError, FlightSettings, Grid, RunSpec, parse_shard
from drone_ssl_lab.experiment.flight_args import Skip, cut_time, fly_arguments

SETTINGS = FlightSettings(duration_s=60.0, cut_delay_s=10.0, overrides=("sim.obstacles.count=3",))


def grid(**changes) -> Grid:
    values = {"conditions": CONDITIONS, "estimators": ("cnn", "textons"), "seeds": (0, 1, 2), "settings": SETTINGS}
    return Grid(**{**values, **changes})


def test_the_full_grid_and_its_order() -> None:
    runs = grid().runs()
    assert len(runs) == 5 * 2 * 3 and len({r.id for r in runs}) == len(runs)
    first_dependent = min(i for i, r in enumerate(runs) if r.source is not None)
    assert all(r.condition == "persistent" for r in runs[:6]) and first_dependent >= 6
    transfers = [r for r in runs if r.condition == "transfer"]
    assert {(r.source_seed, r.seed) for r in transfers if r.estimator == "cnn"} == {(0, 1), (1, 2), (2, 0)}
    assert RunSpec("transfer", "cnn", 1, 0).id == "transfer-cnn-seed1-from0"
    assert RunSpec("persistent_cut", "textons", 2, 2).source == RunSpec("persistent", "textons", 2)
    assert RunSpec("persistent", "cnn", 0).processes == 2 and RunSpec("stereo", "textons", 0).processes == 1


def test_shards_split_whole_rooms_and_keep_each_run_with_what_it_builds_on() -> None:
    g = grid()
    shards = [g.shard(i, 2) for i in (1, 2)]
    assert sorted(shards[0] + shards[1]) == sorted(g.runs()) and not set(shards[0]) & set(shards[1])
    for shard in shards:
        assert all(r.source in shard for r in shard if r.source is not None)
    assert [len(g.shard(i, 3)) for i in (1, 2, 3)] == [10, 10, 10]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"conditions": ("stereo", "loop")}, "unknown or no condition loop"),
        ({"estimators": ()}, "unknown or no estimator"),
        ({"seeds": (1, 1)}, "seeds must be distinct"),
        ({"conditions": ("stereo", "transfer")}, "add 'persistent' too"),
        ({"seeds": (4,)}, "needs 2 or more seeds"),
        ({"settings": FlightSettings(0.0, 0.0)}, "duration must be positive"),
        ({"settings": FlightSettings(30.0, 30.0)}, "cut delay must lie in"),
        ({"window_s": 90.0}, "curve window"),
        ({"settings": FlightSettings(30.0, 1.0, ("sim.seed=3",))}, "--set sim.seed is chosen by the grid"),
    ],
)
def test_bad_grids_are_one_line_errors(changes: dict, message: str) -> None:
    with pytest.raises(ExperimentError, match=message) as e:
        grid(**changes)
    assert "\n" not in str(e.value)


def test_parse_shard() -> None:
    assert parse_shard("2/5") == (2, 5)
    for bad in ("0/2", "3/2", "a/b", "2"):
        with pytest.raises(ExperimentError, match="--shard takes I/N"):
            parse_shard(bad)


def test_presets_build_valid_grids_and_their_overrides_load() -> None:
    for name, preset in PRESETS.items():
        g = preset.grid()
        assert len(g.seeds) >= 2, name
        load_config(overrides=g.settings.overrides)  # a preset never ships a config that fails to load
    assert PRESETS["quick"].grid(duration_s=9.0, seeds=(3, 4)).settings.duration_s == 9.0


def test_cut_time_follows_the_persistent_runs_own_switch() -> None:
    assert cut_time({"switch_time_s": 42.5, "sim_time_s": 60.0}, 10.0) == 52.5
    assert "never switched" in cut_time({"switch_time_s": None, "sim_time_s": 60.0}, 10.0).reason
    assert "too late" in cut_time({"switch_time_s": 55.0, "sim_time_s": 60.0}, 10.0).reason


def finished_source(folder: Path, switch: float | None = 20.0, model: str = "mono_cnn.pt") -> Path:
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps({"switch_time_s": switch, "sim_time_s": 60.0, "model": model}))
    (folder / model).write_bytes(b"weights")
    return folder


def test_fly_arguments_of_each_kind_of_run(tmp_path: Path) -> None:
    out, config = tmp_path / "run", tmp_path / "c.yaml"
    plain = fly_arguments(RunSpec("naive", "textons", 3), SETTINGS, out, config, None)
    assert plain == ["--sim", "--seed", "3", "--duration", "60", "--strategy", "naive", "--estimator", "textons",
                     "--out", str(out), "--config", str(config), "--set", "sim.obstacles.count=3"]  # fmt: skip
    source = finished_source(tmp_path / "persistent-cnn-seed1")
    cut = fly_arguments(RunSpec("persistent_cut", "cnn", 1, 1), SETTINGS, out, None, source)
    assert cut[cut.index("--strategy") + 1] == "persistent" and cut[-2:] == ["--cut-stereo-at", "30"]
    transfer = fly_arguments(RunSpec("transfer", "cnn", 2, 1), SETTINGS, out, None, source)
    assert transfer[transfer.index("--seed") + 1] == "2" and transfer[-2:] == ["--model", str(source / "mono_cnn.pt")]
    never = finished_source(tmp_path / "persistent-cnn-seed5", switch=None)
    assert isinstance(fly_arguments(RunSpec("persistent_cut", "cnn", 5, 5), SETTINGS, out, None, never), Skip)
    with pytest.raises(ExperimentError, match="has not finished"):
        fly_arguments(RunSpec("transfer", "cnn", 2, 4), SETTINGS, out, None, tmp_path / "missing")
