"""scripts/fly.py: a short simulated flight writes its run folder; bad arguments fail with one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from mcap.reader import make_reader

from drone_ssl.flightlog import FlightLogReader
from drone_ssl.flightlog.foxglove_schemas import decode
from drone_ssl.stereo.calibration import StereoCalibration

REQUIRED_SUMMARY_KEYS = (
    "sim_time_s", "wall_time_s", "collisions", "collisions_by_phase", "time_in_phase_s", "switch_time_s",
    "overrides", "mono_frames", "distance_flown_m", "final_mono_metrics",
)  # fmt: skip
FLY = Path(__file__).resolve().parents[2] / "scripts" / "fly.py"


def fly(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FLY), *args], capture_output=True, text=True, timeout=300)


def test_short_sim_flight_writes_summary_plots_and_config(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = fly(
        "--sim", "--duration", "4", "--seed", "1", "--out", str(out), "--live", "--live-port", "0", "--live-linger", "0"
    )
    assert result.returncode == 0, result.stderr
    assert "live: Foxglove -> Open connection -> ws://127.0.0.1:" in result.stderr  # this machine only
    summary = json.loads((out / "summary.json").read_text())
    assert summary["frames"] >= 39 and summary["sim_time_s"] == pytest.approx(4.0, abs=0.15)
    assert summary["distance_flown_m"] > 0.5 and summary["strategy"] == "persistent"
    for key in REQUIRED_SUMMARY_KEYS:
        assert key in summary, key
    assert summary["time_in_phase_s"]["stereo"] > 0 and summary["switch_time_s"] is None
    for name in ("trajectory.png", "distances.png", "config.yaml", "stereo_calibration.yaml", "mono_cnn.pt",
                 "flight.mcap"):  # fmt: skip
        assert (out / name).stat().st_size > 0
    assert "sim:\n  seed: 1" in (out / "config.yaml").read_text()
    log = FlightLogReader(out / "flight.mcap")
    frames = list(log.frames())
    assert len(frames) == summary["frames"] and log.report.complete
    assert all(f.right is not None and f.phase_name == "stereo" for f in frames)
    assert "seed: 1" in log.config_yaml
    # The room, from the log alone: four walls, the floor, every obstacle of the config, the drone in its frame.
    scene = log.scene()
    kinds = [b.kind for b in scene.bodies]
    assert kinds.count("wall") == 4 and kinds.count("floor") == 1 and kinds.count("drone") == 1
    assert kinds.count("obstacle") == yaml.safe_load(log.config_yaml)["sim"]["obstacles"]["count"]
    # --live paces the simulator: 4 s of flight take at least 4 s of wall clock.
    assert summary["wall_time_s"] >= 4.0
    # Foxglove's 3D panel: the cameras' models are the rig's calibration, the body is placed in the world.
    with open(out / "flight.mcap", "rb") as f:
        first = {
            c.topic: m.data for _, c, m in make_reader(f).iter_messages(topics=["/camera/left/calibration", "/tf"])
        }
    calibration = decode("foxglove.CameraCalibration", first["/camera/left/calibration"])
    np.testing.assert_allclose(
        np.reshape(calibration.K, (3, 3)), StereoCalibration.load(out / "stereo_calibration.yaml").K1
    )
    frames_tf = {t.child_frame_id for t in decode("foxglove.FrameTransforms", first["/tf"]).transforms}
    assert frames_tf == {"body", "camera_left", "camera_right"}
    # A finished run folder is never overwritten.
    again = fly("--sim", "--duration", "1", "--out", str(out))
    assert again.returncode == 2 and "already holds a finished run" in again.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sim", "--duration", "-3"], "--duration must be a positive"),
        (["--sim", "--set", "sim.obstacles.count=lots"], "config key 'sim.obstacles.count'"),
        (["--sim", "--set", "sim.nope=1"], "config key 'sim.nope': unknown key"),
        (["--sim", "--config", "/nonexistent/room.yaml"], "cannot read the file"),
        (["--sim", "--set", "sim.obstacles.count=40", "--duration", "1"], "sim.obstacles.count"),
        (["--duration", "3"], "one of the arguments --sim --drone is required"),
        (["--sim", "--strategy", "mono"], "--model"),
        (["--sim", "--model", "/nonexistent.pt"], "does not exist"),
        (["--sim", "--calib", "calib.yaml"], "are for --drone"),
        (["--drone", "127.0.0.1"], "without --stereo"),
        (["--sim", "--estimator", "svm"], "invalid choice"),
        (["--sim", "--live", "--live-port", "70000"], "--live-port must be a port number"),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_clear_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = fly(*args, "--out", str(tmp_path / "run"))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()  # refused before take-off: nothing left behind


def _refused_in(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """fly.py run in `folder` without --out, so its default run folder (runs/<time>-...) would land there."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, str(FLY), *args], capture_output=True, text=True, timeout=300, cwd=folder,
                          env=environment)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--sim", "--duration", "1", "--view"], {"DISPLAY": "", "WAYLAND_DISPLAY": ""}, "--view needs a display"),
        (["--sim", "--duration", "1", "--model", "not_a_model.pt"], None, "not_a_model.pt"),
        (["--sim", "--duration", "1", "--live", "--live-port", "{taken}"], None, "--live-port"),
    ],
)
def test_a_flight_refused_before_take_off_leaves_no_run_folder(
    args: list[str], env: dict[str, str] | None, message: str, tmp_path: Path
) -> None:
    from drone_ssl.flightlog.live import LiveServer

    (tmp_path / "not_a_model.pt").write_bytes(b"not a checkpoint")
    with LiveServer(port=0) as taken:  # holds a port for the --live-port case
        result = _refused_in(tmp_path, *[a.format(taken=taken.port) for a in args], env=env)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())  # nothing left behind


@pytest.mark.parametrize("existing", [True, False])
def test_out_naming_a_file_is_one_line(existing: bool, tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    if existing:
        target.write_text("{}")
    result = fly("--sim", "--duration", "1", "--out", str(target))
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("pybullet build time")]
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: --out"), result.stderr
    assert target.is_file() if existing else not target.exists()  # never a folder named summary.json
