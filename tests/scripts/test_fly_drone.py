"""fly.py --drone end to end against the loopback AR.Drone 2.0 emulator: learns, logs its run, lands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl_app.config import load_config
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, Timing
from drone_ssl_sim.sim_drone import SimDrone

FLY = Path(__file__).resolve().parents[2] / "scripts" / "fly.py"


def test_fly_drone_flies_the_emulator_and_lands(tmp_path: Path) -> None:
    config = load_config(overrides=["sim.seed=2"])
    cam = config.camera
    calib = tmp_path / "calib.yaml"
    StereoCalibration.ideal(cam.width, cam.height, cam.hfov_deg, cam.baseline_m).save(calib)
    emulator = ARDroneEmulator(SimDrone(config), EmulatorPorts.ephemeral(), model=config.drone,
                               timing=Timing(demo_hz=60.0))  # fmt: skip
    with emulator:
        p = emulator.ports
        out = tmp_path / "run"
        args = [
            "--drone", "127.0.0.1", "--stereo", emulator.stereo_url, "--calib", str(calib), "--duration", "6",
            "--out", str(out), "--set", f"bridge.at_port={p.at}", "--set", f"bridge.navdata_port={p.navdata}",
            "--set", f"bridge.config_port={p.config}", "--set", "learner.validation_window=20",
            "--set", "learner.min_samples=8", "--set", "learner.publish_every_s=1", "--live", "--live-port", "0",
            "--live-linger", "0",
        ]  # fmt: skip
        result = subprocess.run([sys.executable, str(FLY), *args], capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "live: Foxglove -> Open connection -> ws://127.0.0.1:" in result.stderr  # the real drone serves too
        assert emulator.wait_until(lambda m: m.control is ControlState.LANDED, 10.0)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["drone"] == "127.0.0.1" and summary["frames"] > 20
    assert summary["stereo_labels"] > 10 and summary["time_in_phase_s"]["stereo"] > 3
    assert (out / "mono_cnn.pt").stat().st_size > 0 and (out / "distances.png").exists()
