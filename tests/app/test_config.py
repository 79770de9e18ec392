"""Configuration: shipped defaults, user files, overrides and errors that name the key."""

from __future__ import annotations

import dataclasses
import pickle
import typing
from pathlib import Path

import pytest

from drone_ssl.config import dump_config, to_dict
from drone_ssl.errors import ConfigError
from drone_ssl_app.config import Config, default_yaml, load_config


def test_shipped_yaml_mirrors_the_dataclass_defaults() -> None:
    assert default_yaml() == to_dict(Config())


def test_defaults_load() -> None:
    config = load_config()
    assert config.sim.obstacles.count == 4
    assert config.camera.width == 128 and config.camera.height == 96
    assert config.sim.steps_per_frame == 24


def test_user_file_then_overrides_take_precedence(tmp_path: Path) -> None:
    user = tmp_path / "room.yaml"
    user.write_text("sim:\n  obstacles:\n    count: 7\n  room:\n    height_m: 2.5\n")
    config = load_config(user, ["sim.obstacles.count=5", "camera.width=320", "sim.textures.mode=plain"])
    assert config.sim.obstacles.count == 5
    assert config.sim.room.height_m == 2.5
    assert config.camera.width == 320
    assert config.sim.textures.mode == "plain"


def test_dump_round_trips(tmp_path: Path) -> None:
    config = load_config(overrides=["sim.seed=3"])
    path = tmp_path / "used.yaml"
    path.write_text(dump_config(config))
    assert load_config(path) == config


@pytest.mark.parametrize(
    ("override", "key", "hint"),
    [
        ("sim.obstacle.count=5", "sim.obstacle", "allowed here"),
        ("sim.obstacles.count=many", "sim.obstacles.count", "integer"),
        ("sim.obstacles.count=-1", "sim.obstacles.count", "out of range"),
        ("sim.renderer=vulkan", "sim.renderer", "tiny, egl, gui"),
        ("sim.obstacles.kinds=[pole, tree]", "sim.obstacles.kinds[1]", "pole, box, panel"),
        ("sim.textures.randomise=maybe", "sim.textures.randomise", "true or false"),
        ("camera.hfov_deg=.nan", "camera.hfov_deg", "finite"),
        ("sim.camera_hz=7", "sim.camera_hz", "whole multiple"),
        ("camera.far_m=0.5", "camera.far_m", "out of range"),
        ("sim.start.x_m=2.4", "sim.start", "inside the walls"),
        ("sim.room=3", "sim.room", "mapping"),
        ("nonsense", "nonsense", "section.key=value"),
    ],
)
def test_bad_values_name_the_key_and_what_is_allowed(override: str, key: str, hint: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(overrides=[override])
    assert info.value.key == key
    assert hint in str(info.value)


def test_unreadable_and_malformed_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sim: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(listy)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "holds no settings"),
        (b"# only a comment\n", "holds no settings"),
        (b"sim:\n  seed: 3\nlearner:\n", "config key 'learner': expected a mapping"),  # cut after a header
        (b"sim:\n  seed: 3\n  obst", "not valid YAML at line 3"),  # cut inside a line
        (b"sim:\n  seed: \xff\xfe\n", "not UTF-8 text"),
        (b"sim: " + b"[" * 5000, "not valid YAML"),
    ],
)
def test_empty_truncated_and_binary_files_are_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "user.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_yaml_tags_that_would_run_code_are_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text("sim: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(evil)


def test_cross_field_checks_name_the_key() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(overrides=["camera.near_m=1.0", "camera.far_m=1.0"])
    assert info.value.key == "camera.far_m" and "greater than camera.near_m" in str(info.value)


def test_config_errors_survive_pickling_between_processes() -> None:
    error = ConfigError("sim.seed", "expected an integer")
    again = pickle.loads(pickle.dumps(error))
    assert (again.key, again.problem, str(again)) == (error.key, error.problem, str(error))


BEFORE = Path(__file__).with_name("config_before_the_house.yaml")


def test_a_config_written_before_the_split_loads_every_key_into_its_room() -> None:
    """The sections moved beside their devices; the keys users write did not change."""
    from drone_ssl.airframe import DroneModelConfig
    from drone_ssl_bridge.config import BridgeConfig
    from drone_ssl_sim.config import SimConfig

    config = load_config(BEFORE, ["sim.obstacles.count=6", "drone.max_tilt_deg=10", "bridge.host=127.0.0.1"])
    assert isinstance(config.sim, SimConfig) and config.sim.obstacles.count == 6
    assert isinstance(config.drone, DroneModelConfig) and config.drone.max_tilt_deg == 10
    assert isinstance(config.bridge, BridgeConfig) and config.bridge.host == "127.0.0.1"
    assert to_dict(config) == to_dict(load_config(None, ["sim.obstacles.count=6", "drone.max_tilt_deg=10",
                                                         "bridge.host=127.0.0.1"]))  # fmt: skip


def test_the_simulators_own_loader_reads_the_same_keys_as_the_app() -> None:
    from drone_ssl_sim.config import load_sim_config

    overrides = ["sim.seed=4", "sim.textures.pool=8", "drone.mass_kg=0.5", "camera.width=160", "arbiter.min_dwell_s=5"]
    alone, whole = load_sim_config(BEFORE, overrides), load_config(BEFORE, overrides)
    for section in ("sim", "drone", "camera", "perception", "learner", "arbiter", "behaviour", "log"):
        assert getattr(alone, section) == getattr(whole, section), section


@pytest.mark.parametrize(
    ("override", "names"),
    [("sim.camera_hz=15", "bridge.camera_hz"), ("sim.seed=3", "--seed")],
)
def test_keys_that_no_longer_set_a_real_flight_fail_naming_the_new_one(override: str, names: str) -> None:
    from drone_ssl_app.config import real_flight_check

    with pytest.raises(ConfigError, match=names.replace(".", r"\.")):
        real_flight_check(load_config(overrides=[override]))


def test_simulator_keys_that_never_set_a_real_flight_still_pass_it() -> None:
    from drone_ssl_app.config import real_flight_check

    real_flight_check(load_config(BEFORE, ["sim.obstacles.count=9", "bridge.camera_hz=15"]))


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("perception.avoid_distance_m=1e0", 1.0),  # YAML 1.1 read these as text
        ("perception.avoid_distance_m=1E0", 1.0),
        ("perception.avoid_distance_m=15e-1", 1.5),
        ("perception.avoid_distance_m=+1.5e0", 1.5),
        ("perception.avoid_distance_m=1.5e+0", 1.5),
        ("perception.avoid_distance_m=.15e1", 1.5),
        ("perception.avoid_distance_m=2", 2.0),
        ("learner.seed=1e3", 1000),  # a whole number in a float form is a whole number
        ("learner.seed=4294967295", 2**32 - 1),
    ],
)
def test_numbers_in_every_yaml_float_form_are_numbers(override: str, expected: float) -> None:
    section, key = override.split("=")[0].split(".")
    assert getattr(getattr(load_config(overrides=[override]), section), key) == expected


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("learner.seed=1e20", "100000000000000000000 is out of range; allowed: 0 .. 4294967295"),  # reached torch
        ("learner.seed=4294967296", "out of range; allowed: 0 .. 4294967295"),
        ("sim.seed=-1", "out of range"),
        ("perception.textons.seed=1e10", "out of range; allowed: 0 .. 4294967295"),
        ("learner.seed=1.5", "expected an integer, got 1.5"),
        ("learner.seed=.inf", "expected an integer, got inf"),
        ("learner.batch_size=0", "out of range; allowed: 1 .."),
        ("perception.avoid_distance_m=1e9", "out of range; allowed: 0.2 .. 10.0"),
        ("perception.avoid_distance_m=.inf", "expected a finite number, got inf"),
        ("perception.avoid_distance_m=-.inf", "expected a finite number, got -inf"),
        ("perception.avoid_distance_m=.NaN", "expected a finite number, got nan"),
        ("perception.avoid_distance_m=1" + "0" * 400, "expected a finite number, got 1000000000"),
        ("learner.seed=" + "9" * 400, "characters) is out of range"),
        ("learner.seed=" + "9" * 5000, "cannot parse the value"),
        ("sim.start.x_m=1e308", "out of range; allowed: -10.0 .. 10.0"),
        ("sim.episode_s=1e9", "out of range; allowed: 1.0 .. 86400.0"),
    ],
)
def test_every_number_is_range_checked_before_anything_starts(override: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(overrides=[override])
    assert info.value.key == override.split("=")[0] and message in str(info.value)
    assert len(str(info.value)) < 200  # one line, even for a 5000-digit number


def test_every_numeric_key_declares_its_range() -> None:
    """The loader checks what a field declares (seeds 0..2**32-1, counts from 1, lengths within the room)."""
    unbounded = []

    def walk(cls: type, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            hint = hints[f.name]
            if dataclasses.is_dataclass(hint):
                walk(hint, f"{prefix}{f.name}.")
            elif hint in (int, float) and (f.metadata.get("lo") is None or f.metadata.get("hi") is None):
                unbounded.append(f"{prefix}{f.name}")

    walk(Config, "")
    assert unbounded == []


def test_a_config_that_never_ends_is_refused_after_a_bounded_read(tmp_path: Path) -> None:
    """Before, --config /dev/zero read until memory ran out (a MemoryError traceback)."""
    big = tmp_path / "big.yaml"
    big.write_bytes(b"sim:\n  seed: 1\n" + b"#" * (1024 * 1024))
    with pytest.raises(ConfigError, match=r"larger than 1048576 bytes \(1 MiB\), the most a config file may hold"):
        load_config(big)
    if Path("/dev/zero").exists():
        with pytest.raises(ConfigError, match="larger than 1048576 bytes"):
            load_config("/dev/zero")
    exactly = tmp_path / "exactly.yaml"
    exactly.write_bytes(b"sim:\n  seed: 1\n" + b"#" * (1024 * 1024 - 15))  # the limit itself still reads
    assert load_config(exactly).sim.seed == 1


def test_a_moved_key_names_where_it_lives_now() -> None:
    with pytest.raises(ConfigError, match=r"bridge.manoeuvre_timeout_s.*has moved: set drone.manoeuvre_timeout_s"):
        load_config(overrides=["bridge.manoeuvre_timeout_s=5"])
    assert load_config(overrides=["drone.manoeuvre_timeout_s=5"]).drone.manoeuvre_timeout_s == 5.0
