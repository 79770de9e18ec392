"""Every way out of fly.py lands first, then keeps the model, the log footer and the summary; exit codes say why."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch
from flight_process import FlightProcess, finished_run

from drone_ssl.flightlog import FlightLogReader
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl_app.config import load_config
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, Timing
from drone_ssl_sim.sim_drone import SimDrone

SMALL = ["--set", "sim.obstacles.count=2", "--set", "learner.validation_window=20", "--set", "learner.min_samples=8"]
LANDING = (ControlState.LANDING, ControlState.LANDED)


@pytest.mark.parametrize(
    ("signum", "group", "code", "word"),
    [
        (signal.SIGINT, True, 130, "interrupted"),  # Ctrl-C in a terminal: the whole process group, trainer too
        pytest.param(signal.SIGTERM, False, 143, "terminated", marks=pytest.mark.slow),  # also on the emulator
        pytest.param(signal.SIGHUP, True, 129, "hung up", marks=pytest.mark.slow),  # the terminal closed
    ],
)
def test_a_signal_lands_at_once_then_saves_logs_and_summarises(
    flights, tmp_path: Path, signum, group, code, word
) -> None:
    out = tmp_path / "run"
    flight = FlightProcess(["--sim", "--duration", "600", "--seed", "3", "--out", str(out), *SMALL])
    flights.append(flight)
    flight.wait_flying(sim_time_s=3.0)
    sent = flight.signal(signum, group)
    assert flight.wait(60) == code, flight.stderr[-3000:]
    assert time.monotonic() - sent < 30  # save, plots and summary: seconds, not the rest of the 600 s flight
    assert word in flight.stderr.splitlines() and "Traceback" not in flight.stderr  # its own line, no traceback
    summary, frames = finished_run(out)
    assert summary["ended_by"] == signal.Signals(signum).name
    # Typically under 2 ms. Simulated time stands still until the main thread lands (it finishes the render it
    # is in first), so wall-clock delay here costs no flight; the bound only absorbs a loaded CI machine. The
    # real-time bound of 100 ms is asserted on the wire, against the emulator, below.
    assert summary["land_command_after_s"] is not None and summary["land_command_after_s"] < 0.5
    assert 1.0 <= summary["sim_time_s"] < 600 and frames == summary["frames"]
    assert (out / "mono_cnn.pt").stat().st_size > 0 and summary["model"] == "mono_cnn.pt"


def test_the_trainer_dying_mid_flight_lands_keeps_the_log_and_summary_and_exits_2(flights, tmp_path: Path) -> None:
    out = tmp_path / "run"
    flight = FlightProcess(["--sim", "--duration", "600", "--seed", "4", "--out", str(out), *SMALL])
    flights.append(flight)
    flight.wait_flying(sim_time_s=2.0)
    (trainer,) = flight.trainers()
    killed = time.monotonic()
    os.kill(trainer, signal.SIGKILL)
    assert flight.wait(60) == 2, flight.stderr[-3000:]
    assert time.monotonic() - killed < 30
    lines = [line for line in flight.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "training process" in lines[0] and "Traceback" not in flight.stderr
    # One true account: dead, with its real exit code, said once (never also "exit code None" or "gone").
    assert lines[0] == "error: the CNN training process died (exit code -9: killed by SIGKILL)", flight.stderr
    assert [line for line in flight.stderr.splitlines() if "training process" in line] == lines
    summary, frames = finished_run(out)
    assert summary["ended_by"].startswith("error: TrainingProcessError") and frames == summary["frames"]
    assert summary["model"] is None and "warning: the trainer died, so the model was not saved" in flight.stderr


def test_a_hung_trainer_ends_the_simulated_flight_within_its_bound_with_one_line(flights, tmp_path: Path) -> None:
    """SIGSTOP: alive but silent. Lock-step waits for the trainer at each publish; past learner.trainer_timeout_s
    the flight lands and ends with one line that says so (before, it sat on one frame without a word)."""
    bound_s = 3.0
    out = tmp_path / "run"
    flight = FlightProcess(["--sim", "--duration", "600", "--seed", "4", "--out", str(out), *SMALL,
                            "--set", f"learner.trainer_timeout_s={bound_s:g}"])  # fmt: skip
    flights.append(flight)
    flight.wait_flying(sim_time_s=2.0)
    (trainer,) = flight.trainers()
    stopped = time.monotonic()
    os.kill(trainer, signal.SIGSTOP)
    assert flight.wait(60) == 2, flight.stderr[-3000:]
    # The bound, plus up to one publish period of simulated time to reach the next wait, plus landing and summary.
    assert time.monotonic() - stopped < bound_s + 25
    lines = [line for line in flight.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in flight.stderr, flight.stderr[-3000:]
    assert "training process is alive but gave no" in lines[0] and f"within {bound_s:g} s" in lines[0]
    assert "it is hung" in lines[0] and [line for line in flight.stderr.splitlines() if "hung" in line] == lines
    summary, frames = finished_run(out)
    assert summary["ended_by"].startswith("error: TrainerHungError") and frames == summary["frames"]
    assert summary["model"] is None and "stopped answering" in flight.stderr


def _nan_checkpoint(tmp_path: Path) -> Path:
    payload = torch.load(Path(__file__).resolve().parents[2] / "models" / "mono_cnn_default.pt", weights_only=True)
    payload["state_dict"] = {
        k: torch.full_like(v, float("nan")) if v.is_floating_point() else v for k, v in payload["state_dict"].items()
    }
    torch.save(payload, tmp_path / "nan.pt")
    return tmp_path / "nan.pt"


def _bad_model_files(tmp_path: Path) -> list[tuple[list[str], str]]:
    default = (Path(__file__).resolve().parents[2] / "models" / "mono_cnn_default.pt").read_bytes()
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(default[: len(default) // 2])
    bad_npz = tmp_path / "textons.npz"
    bad_npz.write_bytes(b"PK\x03\x04" + bytes(100))
    return [
        (["--model", str(_nan_checkpoint(tmp_path))], "NaN or infinite"),
        (["--model", str(truncated)], "cannot be read safely"),
        (["--model", str(bad_npz), "--estimator", "textons"], "cannot be read"),
        (["--model", str(tmp_path / "nan.pt"), "--estimator", "textons"], "needs a .npz file"),
        (["--model", str(tmp_path / "nan.onnx")], "an ONNX export"),
    ]


def test_each_bad_model_file_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    """The checks fly.py runs in its main process, before anything connects (in-process here: fast)."""
    from drone_ssl.mono.checkpoint import CheckpointError
    from drone_ssl_app.input_files import check_flight_inputs

    (tmp_path / "nan.onnx").write_bytes(b"onnx")
    for args, message in _bad_model_files(tmp_path):
        estimator = "textons" if "--estimator" in args else "cnn"
        with pytest.raises(CheckpointError, match=message) as info:
            check_flight_inputs(load_config(), estimator, Path(args[1]), None)
        assert Path(args[1]).name in str(info.value)


def test_a_bad_model_stops_fly_py_with_one_line_before_it_connects(flights, tmp_path: Path) -> None:
    """Nothing listens on 127.0.0.1 here: the error must be about the file, found before connecting."""
    nan = _nan_checkpoint(tmp_path)
    target = ["--drone", "127.0.0.1", "--set", "bridge.connect_timeout_s=0.5"]
    flight = FlightProcess([*target, "--strategy", "mono", "--model", str(nan), "--out", str(tmp_path / "run")])
    flights.append(flight)
    assert flight.wait(120) == 2, flight.stderr[-2000:]
    lines = flight.stderr.strip().splitlines()
    assert lines == [f"error: checkpoint {nan} outputs NaN or infinite numbers on a probe image; retrain it"] or (
        len(lines) == 1 and "NaN or infinite" in lines[0] and nan.name in lines[0]
    ), flight.stderr


@contextmanager
def emulated_drone(tmp_path: Path) -> Iterator[tuple[ARDroneEmulator, Path]]:
    """The AR.Drone emulator on loopback (a small room) and an ideal calibration file for its stereo stream."""
    config = load_config(overrides=["sim.seed=2", "sim.obstacles.count=2"])
    cam = config.camera
    calib = tmp_path / "calib.yaml"
    StereoCalibration.ideal(cam.width, cam.height, cam.hfov_deg, cam.baseline_m).save(calib)
    with ARDroneEmulator(SimDrone(config), EmulatorPorts.ephemeral(), model=config.drone,
                         timing=Timing(demo_hz=60.0)) as emulator:  # fmt: skip
        yield emulator, calib


def _emulator_args(emulator: ARDroneEmulator, out: Path) -> list[str]:
    p = emulator.ports
    return [
        "--drone", "127.0.0.1", "--duration", "600", "--out", str(out),
        "--set", f"bridge.at_port={p.at}", "--set", f"bridge.navdata_port={p.navdata}",
        "--set", f"bridge.config_port={p.config}", "--set", f"bridge.video_port={p.video}", *SMALL,
    ]  # fmt: skip


def test_ctrl_c_twice_on_the_real_drone_path_lands_within_100_ms(flights, tmp_path: Path) -> None:
    with emulated_drone(tmp_path) as (emulator, calib):
        out = tmp_path / "run"
        flight = FlightProcess([*_emulator_args(emulator, out), "--stereo", emulator.stereo_url, "--calib", str(calib)])
        flights.append(flight)
        flight.wait_flying(sim_time_s=2.0)
        assert emulator.machine.control in (ControlState.FLYING, ControlState.HOVERING)
        sent = flight.signal(signal.SIGINT)
        landing = emulator.entered(LANDING, 2.0)
        flight.signal(signal.SIGINT)  # impatient: forces the landing, must not break the save
        assert landing is not None and landing - sent < 0.1, "the land command took longer than 100 ms"
        assert flight.wait(60) == 130, flight.stderr[-3000:]
        assert emulator.wait_until(lambda m: m.control is ControlState.LANDED, 10.0)
    assert "Traceback" not in flight.stderr and "SIGINT again: landing now" in flight.stderr
    summary, frames = finished_run(out)
    assert summary["ended_by"] == "SIGINT" and summary["land_command_after_s"] < 0.1
    assert frames == summary["frames"] > 5 and (out / "mono_cnn.pt").stat().st_size > 0


def _spoof_emergency_toggle(emulator: ARDroneEmulator) -> float:
    """One raw AT*REF with the emergency bit, as a second client (or the firmware after a crash) sends it;
    sequence 1 restarts the count, so fly.py's own commands are still accepted. Returns the send time."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sent = time.monotonic()
        sock.sendto(at.ref(1, takeoff=False, emergency=True).encode(), ("127.0.0.1", emulator.ports.at))
    return sent


def test_a_motor_cut_mid_flight_ends_fly_py_with_an_emergency_and_it_never_takes_off_again(
    flights, tmp_path: Path
) -> None:
    """The cut ends the flight (exit 2, one line, ended_by 'emergency: ...', the event in the log); clearing the
    emergency 5 s later leaves the drone on the floor: no take-off bit and no moving PCMD after the cut."""
    with emulated_drone(tmp_path) as (emulator, calib):
        seen: list[tuple[float, at.AtCommand]] = []
        accept = emulator.machine.on_command
        emulator.machine.on_command = lambda now, command: (seen.append((now, command)), accept(now, command))
        out = tmp_path / "run"
        flight = FlightProcess([*_emulator_args(emulator, out), "--stereo", emulator.stereo_url, "--calib", str(calib)])
        flights.append(flight)
        flight.wait_flying(sim_time_s=2.0)
        cut = _spoof_emergency_toggle(emulator)
        assert emulator.wait_until(lambda m: m.emergency and m.control is ControlState.LANDED, 5.0)
        time.sleep(max(0.0, cut + 5.0 - time.monotonic()))
        _spoof_emergency_toggle(emulator)  # cleared 5 s later: a drone still asked to fly would take off now
        assert emulator.wait_until(lambda m: not m.emergency, 1.0)
        assert not emulator.wait_until(lambda m: m.control is not ControlState.LANDED, 1.5), "it took off again"
        assert flight.wait(60) == 2, flight.stderr[-3000:]
    wrong = [
        (round(t - cut, 3), c.name) for t, c in seen if t > cut + 0.2
        and (c.name == "REF" and at.decode_ref(c).takeoff or c.name == "PCMD" and not at.decode_pcmd(c).hover)
    ]  # fmt: skip
    assert wrong == [], "take-off bits or moving commands after the cut"
    lines = [line for line in flight.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "stopped flying by itself" in lines[0] and "Traceback" not in flight.stderr
    summary, frames = finished_run(out)
    assert summary["ended_by"] == "emergency: the drone reports an emergency (motors cut)"
    events = [e for e in FlightLogReader(out / "flight.mcap").events() if e.kind == "emergency"]
    assert len(events) == 1 and "emergency" in events[0].data["reason"] and frames == summary["frames"] > 5


@pytest.mark.parametrize(
    ("signum", "words"),
    [
        (signal.SIGKILL, "error: the CNN training process died (exit code -9: killed by SIGKILL)"),
        pytest.param(signal.SIGSTOP, "error: the CNN training process is alive but gave no", marks=pytest.mark.slow),
    ],
)
def test_the_trainer_failing_on_the_real_drone_path_lands_and_says_one_true_thing(
    flights, tmp_path: Path, signum, words
) -> None:
    """On the emulator the trainer learns in a background thread: killed, or stopped past its bound, the flight
    lands and ends with one line naming it (before: 'died (exit code None)' beside 'gone (exit code -9)')."""
    with emulated_drone(tmp_path) as (emulator, calib):
        out = tmp_path / "run"
        flight = FlightProcess([*_emulator_args(emulator, out), "--stereo", emulator.stereo_url, "--calib", str(calib),
                                "--set", "learner.trainer_timeout_s=3"])  # fmt: skip
        flights.append(flight)
        flight.wait_flying(sim_time_s=2.0)
        (trainer,) = flight.trainers()
        os.kill(trainer, signum)
        assert flight.wait(60) == 2, flight.stderr[-3000:]
        assert emulator.wait_until(lambda m: m.control is ControlState.LANDED, 10.0)
    lines = [line for line in flight.stderr.splitlines() if "training process" in line]
    assert len(lines) == 1 and lines[0].startswith(words) and "Traceback" not in flight.stderr, flight.stderr[-3000:]
    summary, frames = finished_run(out)
    assert summary["ended_by"].startswith("error: Train") and summary["model"] is None and frames == summary["frames"]


def test_sigterm_flying_mono_on_the_emulators_front_camera(flights, tmp_path: Path) -> None:
    """The front-camera path end to end: H.264 over PaVE from the emulator, mono strategy, then SIGTERM."""
    pytest.importorskip("av")
    config = load_config(overrides=["sim.seed=5", "sim.obstacles.count=2"])
    model = Path(__file__).resolve().parents[2] / "models" / "mono_cnn_default.pt"
    with ARDroneEmulator(SimDrone(config), EmulatorPorts.ephemeral(), model=config.drone,
                         timing=Timing(demo_hz=60.0)) as emulator:  # fmt: skip
        assert emulator.ports.video > 0
        out = tmp_path / "run"
        flight = FlightProcess([*_emulator_args(emulator, out), "--strategy", "mono", "--model", str(model)])
        flights.append(flight)
        flight.wait_flying(sim_time_s=2.0)
        sent = flight.signal(signal.SIGTERM, group=False)
        landing = emulator.entered(LANDING, 2.0)
        assert landing is not None and landing - sent < 0.1
        assert flight.wait(60) == 143, flight.stderr[-3000:]
        assert emulator.wait_until(lambda m: m.control is ControlState.LANDED, 10.0)
    summary, frames = finished_run(out)
    assert summary["ended_by"] == "SIGTERM" and summary["mono_frames"] > 5 and frames == summary["frames"]
    assert summary["stereo_labels"] == 0  # the front camera has no stereo: it flew on mono alone


@pytest.mark.slow
def test_a_hung_trainer_delays_neither_the_landing_nor_the_exit_without_bound(flights, tmp_path: Path) -> None:
    out = tmp_path / "run"
    flight = FlightProcess(["--sim", "--duration", "600", "--seed", "6", "--out", str(out), *SMALL])
    flights.append(flight)
    flight.wait_flying(sim_time_s=2.0)
    (trainer,) = flight.trainers()
    os.kill(trainer, signal.SIGSTOP)  # hung: alive, silent
    time.sleep(1.0)
    sent = flight.signal(signal.SIGINT)
    assert flight.wait(90) == 130, flight.stderr[-3000:]
    assert time.monotonic() - sent < 45  # the stop and close timeouts, then the summary
    summary, frames = finished_run(out)
    assert summary["ended_by"] == "SIGINT" and summary["land_command_after_s"] < 0.5
    assert summary["model"] is None and "stopped answering" in flight.stderr and "Traceback" not in flight.stderr


def test_a_simulator_frame_rate_on_the_real_drone_names_the_bridge_key_before_connecting(flights, tmp_path) -> None:
    """sim.camera_hz once set the real drone's loop too; now it fails, naming bridge.camera_hz, before connecting."""
    target = ["--drone", "127.0.0.1", "--set", "bridge.connect_timeout_s=0.5", "--set", "sim.camera_hz=15"]
    flight = FlightProcess([*target, "--stereo", "0", "--calib", str(tmp_path / "none.yaml"), "--out", str(tmp_path)])
    flights.append(flight)
    assert flight.wait(120) == 2, flight.stderr[-2000:]
    lines = flight.stderr.strip().splitlines()
    assert len(lines) == 1 and "sim.camera_hz" in lines[0] and "bridge.camera_hz" in lines[0], flight.stderr
