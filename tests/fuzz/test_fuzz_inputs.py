"""Fuzzing every input from outside: navdata, PaVE, AT (through the emulator), config files and overrides, model
and calibration files. Each must give a value or its own typed error, never another exception; bounded for CI.

CI runs these derandomized (the "ci" Hypothesis profile): the same examples every run. Exploring for new failures
is `python -m pytest tests/fuzz --hypothesis-profile=explore`; each failure it finds is pinned below as an
`@example` of its test."""

from __future__ import annotations

import contextlib
import io
import math
import random
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.config.loader import MAX_CONFIG_BYTES
from drone_ssl.errors import ConfigError
from drone_ssl.mono.checkpoint import CheckpointError, load_checkpoint
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl.stereo.calibration import CalibrationError, StereoCalibration
from drone_ssl_app.config import load_config
from drone_ssl_bridge.ardrone2.navdata_state import to_drone_state
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import DemoData, Navdata, decode_navdata, encode_navdata
from drone_ssl_bridge.ardrone2.protocol.pave import MAX_PAYLOAD_BYTES, FrameType, PaveReassembler, encode_frame
from drone_ssl_bridge.errors import AtParseError, NavdataParseError, PaveParseError, ProtocolError
from drone_ssl_emulator.config_table import default_table
from drone_ssl_emulator.flight_state import FlightStateMachine

ROOT = Path(__file__).resolve().parents[2]
# The profile (tests/conftest.py) sets how hard to look: "ci", the default, is derandomized (the same examples on
# every run) with Hypothesis' 100 examples, so SCALE is 1; "explore" draws fresh examples, 20 times as many.
SCALE = settings.default.max_examples / 100
QUICK = settings(max_examples=round(300 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=round(60 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mutated(data: bytes, rng: random.Random, edits: int) -> bytes:
    """Flipped bytes, a cut, or an inserted run: the damage a disk, a copy or a radio does."""
    out = bytearray(data)
    for _ in range(edits):
        kind = rng.randrange(3)
        if kind == 0 and out:
            out[rng.randrange(len(out))] = rng.randrange(256)
        elif kind == 1 and out:
            del out[rng.randrange(len(out)) :]
        else:
            at_index = rng.randrange(len(out) + 1)
            out[at_index:at_index] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return bytes(out)


# -- navdata --------------------------------------------------------------------------------------------------------
VALID_NAVDATA = encode_navdata(Navdata(0x0800_0001, 7, 0, DemoData(ctrl_major=4, battery_pct=80, altitude_mm=900)))


@QUICK
@given(st.one_of(st.binary(max_size=700), st.tuples(st.integers(0, 2**32), st.integers(1, 8))))
def test_navdata_decodes_or_raises_its_parse_error_and_states_are_finite(case) -> None:
    data = case if isinstance(case, bytes) else mutated(VALID_NAVDATA, random.Random(case[0]), case[1])
    for require_checksum in (True, False):
        try:
            nav = decode_navdata(data, require_checksum)
        except NavdataParseError:
            continue
        state = to_drone_state(nav)
        if state is not None:
            values = (*state.velocity, *state.attitude, state.altitude, state.battery)
            assert all(math.isfinite(v) for v in values)


# -- PaVE -----------------------------------------------------------------------------------------------------------
VALID_PAVE = b"".join(encode_frame(bytes([i]) * (40 + i), i, FrameType.P, 64, 48, header_size=68) for i in range(4))


@QUICK
@given(st.integers(0, 2**32), st.integers(0, 12), st.lists(st.integers(1, 300), min_size=1, max_size=8))
def test_pave_reassembly_survives_damage_in_any_split_with_bounded_memory(seed, edits, splits) -> None:
    rng = random.Random(seed)
    stream = mutated(VALID_PAVE * 2, rng, edits) + bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
    reassembler = PaveReassembler()
    position, step = 0, 0
    while position < len(stream):
        size = splits[step % len(splits)]
        try:
            frames = reassembler.feed(stream[position : position + size])
        except PaveParseError:
            frames = []
        assert all(len(f.payload) <= MAX_PAYLOAD_BYTES for f in frames)
        assert len(reassembler._buf) <= MAX_PAYLOAD_BYTES + 256  # garbage never piles up without bound
        position, step = position + size, step + 1


# -- AT, as the emulator's state machine receives it ----------------------------------------------------------------
NAMES = st.sampled_from(["REF", "PCMD", "PCMD_MAG", "CONFIG", "CONFIG_IDS", "CTRL", "COMWDG", "FTRIM", "CALIB", "X"])
ARGS = st.one_of(
    st.integers(-(2**40), 2**40).map(str),
    st.sampled_from(["nan", "inf", "-0", "", "1e400", "0x10", "2147483648"]).map(lambda v: f'"{v}"'),
    st.sampled_from(["control:altitude_max", "general:navdata_demo", "control:euler_angle_max"]).map(
        lambda v: f'"{v}"'
    ),
    st.text(max_size=12).map(lambda v: f'"{v}"'),
)
COMMAND = st.builds(
    lambda name, seq, args: f"AT*{name}={seq}{''.join(',' + a for a in args)}\r", NAMES, st.integers(-5, 2**33),
    st.lists(ARGS, max_size=8),
)  # fmt: skip


@QUICK
@given(st.one_of(st.binary(max_size=1200), st.lists(COMMAND, min_size=1, max_size=6).map(lambda c: "".join(c))))
def test_at_datagrams_never_break_the_emulator_or_yield_a_non_finite_command(datagram) -> None:
    data = datagram if isinstance(datagram, bytes) else datagram.encode("utf-8", "surrogatepass")
    machine = FlightStateMachine(default_table(DroneModelConfig()))
    machine.on_command(0.0, at.ref(1, takeoff=True))
    try:
        commands = at.parse_datagram(data)
    except AtParseError:
        return
    for command in commands:
        with contextlib.suppress(ProtocolError):  # the emulator's AT server drops exactly these
            machine.on_command(0.1, command)
    body = machine.command_for_body()
    assert all(math.isfinite(v) for v in (body.roll, body.pitch, body.gaz, body.yaw))
    float(machine.config["control:altitude_max"])  # the cap stays a number


# -- config ---------------------------------------------------------------------------------------------------------
SHIPPED = (ROOT / "app" / "configs" / "default.yaml").read_bytes()


@FILES
@given(st.one_of(st.binary(max_size=400), st.tuples(st.integers(0, 2**32), st.integers(1, 6))))
def test_config_files_load_or_raise_config_error(case) -> None:
    data = case if isinstance(case, bytes) else mutated(SHIPPED, random.Random(case[0]), case[1])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "user.yaml"
        path.write_bytes(data)
        with contextlib.suppress(ConfigError):
            load_config(path)


@FILES
@given(st.text(max_size=60))
def test_overrides_apply_or_raise_config_error(text) -> None:
    with contextlib.suppress(ConfigError):
        load_config(overrides=[text])


NUMBER_FORMS = (
    repr, str, lambda v: f"{v:e}", lambda v: f"{v:E}", lambda v: f"{v:.3e}".replace("e+", "e"), lambda v: f"+{v!r}",
    lambda v: f"{v:.0f}" if abs(v) < 1e30 else repr(v),
)  # fmt: skip
NUMERIC_KEYS = ("perception.avoid_distance_m", "learner.seed", "learner.batch_size", "sim.start.x_m", "camera.hfov_deg")


@FILES
@given(
    st.sampled_from(NUMERIC_KEYS),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**70), 2**70).map(float)),
    st.integers(0, len(NUMBER_FORMS) - 1),
)
def test_numbers_in_any_yaml_form_load_in_range_or_raise_config_error(key, number, form) -> None:
    """1e9 and 1.0e+9 are numbers (1e9 was text); whatever loads is finite and within the key's own bounds."""
    text = NUMBER_FORMS[form](number)
    try:
        config = load_config(overrides=[f"{key}={text}"])
    except ConfigError as exc:
        assert key.startswith(exc.key) and len(str(exc)) < 200  # the key, or its section for a cross-field rule
        return
    section, *path = key.split(".")
    value = getattr(config, section)
    for part in path:
        value = getattr(value, part)
    assert math.isfinite(value) and value == float(text)


@FILES
@given(st.integers(0, 3), st.binary(max_size=40))
def test_config_files_past_the_size_limit_are_refused_without_reading_them_whole(extra, tail) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        head = b"sim:\n  seed: 1\n"
        path.write_bytes(head + b"#" * (MAX_CONFIG_BYTES - len(head)) + bytes([extra]) * extra + tail)
        with pytest.raises(ConfigError, match="larger than 1048576 bytes") if extra or tail else contextlib.suppress(
            ConfigError
        ):  # fmt: skip
            load_config(path)


# -- model and calibration files ------------------------------------------------------------------------------------
DEFAULT_MODEL = (ROOT / "models" / "mono_cnn_default.pt").read_bytes()


@FILES
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_damaged_checkpoints_load_or_raise_checkpoint_error(seed, edits) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pt"
        path.write_bytes(mutated(DEFAULT_MODEL, random.Random(seed), edits))
        with contextlib.suppress(CheckpointError):
            load_checkpoint(path)


@FILES
@given(
    st.dictionaries(
        st.sampled_from(["channels", "input_width", "input_height", "label", "architecture", "extra"]),
        st.one_of(
            st.integers(-(2**40), 2**40),
            st.lists(st.integers(-5, 2**24), max_size=10),
            st.text(max_size=5),
            st.none(),
            st.floats(),
        ),  # fmt: skip
        max_size=4,
    )
)
def test_checkpoint_metadata_of_any_shape_is_checked_before_allocation(changes) -> None:
    payload = torch.load(io.BytesIO(DEFAULT_MODEL), weights_only=True)
    payload["metadata"].update(changes)
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pt"
        path.write_bytes(buffer.getvalue())
        with contextlib.suppress(CheckpointError):
            load_checkpoint(path)


@pytest.fixture(scope="module")
def texton_model(tmp_path_factory) -> bytes:
    perception = load_config().perception
    estimator = TextonKnnEstimator(perception)
    rng = np.random.default_rng(0)
    for i in range(14):
        estimator.add(rng.integers(0, 255, (96, 128), dtype=np.uint8), 1.0 + i * 0.2)
    path = tmp_path_factory.mktemp("textons") / "mono_textons.npz"
    estimator.save(path)
    TextonKnnEstimator.load(path, perception)  # the intact file loads
    return path.read_bytes()


@FILES
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_damaged_texton_models_load_or_raise_checkpoint_error(texton_model, seed, edits) -> None:
    perception = load_config().perception
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mono_textons.npz"
        path.write_bytes(mutated(texton_model, random.Random(seed), edits))
        with contextlib.suppress(CheckpointError):
            TextonKnnEstimator.load(path, perception)


@FILES
@given(st.dictionaries(st.sampled_from(["intensity", "gradient", "shape", "features", "log_distances", "meta"]),
                       st.sampled_from(["empty", "nan", "int", "huge_shape", "3d", "text"]), max_size=3))  # fmt: skip
def test_texton_arrays_of_the_wrong_kind_are_refused(texton_model, changes) -> None:
    perception = load_config().perception
    with np.load(io.BytesIO(texton_model), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    replacements = {
        "empty": np.zeros((0,)), "nan": np.full((4, 4), np.nan), "int": np.ones((3, 3), np.int64),
        "huge_shape": np.array([10**6, 10**6]), "3d": np.zeros((2, 2, 2)), "text": np.array("x"),
    }  # fmt: skip
    arrays.update({k: replacements[v] for k, v in changes.items()})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mono_textons.npz"
        np.savez(path, **arrays)
        with contextlib.suppress(CheckpointError):
            TextonKnnEstimator.load(path, perception)


@pytest.fixture(scope="module")
def calibration(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("calib") / "calib.yaml"
    StereoCalibration.ideal(128, 96, 60.0, 0.1).save(path)
    return path.read_bytes()


@FILES
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_damaged_calibrations_load_or_raise_calibration_error(calibration, seed, edits) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calib.yaml"
        path.write_bytes(mutated(calibration, random.Random(seed), edits))
        with contextlib.suppress(CalibrationError):
            StereoCalibration.load(path)


# What cv2.FileStorage wrote for the ideal calibration before issue 21; two bytes changed by this seed made its
# parser write out of bounds (`free(): invalid next size (fast)`, SIGABRT) in 1 of 3 flights, 29 of 30 loads.
OPENCV_CALIBRATION = (ROOT / "tests" / "drone_ssl" / "stereo" / "opencv_written_calibration.yaml").read_bytes()
HEAP_CORRUPTING_SEED = 3949742838


def test_the_calibration_that_corrupted_opencvs_heap_is_a_calibration_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.yaml"
    path.write_bytes(mutated(OPENCV_CALIBRATION, random.Random(HEAP_CORRUPTING_SEED), 2))
    for _ in range(30):  # in a loop: the abort came from a corrupted heap, on a later allocation
        with pytest.raises(CalibrationError, match="is damaged or not an OpenCV YAML calibration"):
            StereoCalibration.load(path)


@FILES
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_damaged_opencv_written_calibrations_load_or_raise_calibration_error(seed, edits) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calib.yaml"
        path.write_bytes(mutated(OPENCV_CALIBRATION, random.Random(seed), edits))
        with contextlib.suppress(CalibrationError):
            StereoCalibration.load(path)
