"""`bench.py exits`: signal a real fly.py flying the emulator; time from the signal to the land command on the wire."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl_app.config import load_config
from drone_ssl_app.fly import fly_command_line
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, KinematicBody, Timing

AIRBORNE = (ControlState.FLYING, ControlState.HOVERING)
LANDING = (ControlState.LANDING, ControlState.LANDED)
SIGNALS = (("SIGINT", True), ("SIGTERM", False), ("SIGHUP", True))  # (signal, to the whole process group)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("exits", help="signal to land command on the wire, for fly.py on the emulator")
    parser.add_argument("--trials", type=int, default=3, help="flights per signal (SIGINT, SIGTERM, SIGHUP)")
    parser.add_argument("--fly-s", type=float, default=3.0, help="seconds airborne before the signal")
    parser.set_defaults(run=run)
    return parser


def raw_land_floor(emulator: ARDroneEmulator) -> float | None:
    """The peer: a bare client takes off and sends REF land itself; the wire and emulator's own share."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(("127.0.0.1", emulator.ports.at))
        sock.send(at.ref(1, takeoff=True).encode())
        if emulator.entered(AIRBORNE, 10.0) is None:
            return None
        sent = time.monotonic()
        sock.send(at.ref(2, takeoff=False).encode())
        landing = emulator.entered(LANDING, 2.0)
        emulator.entered((ControlState.LANDED,), 10.0)
    return None if landing is None else landing - sent


def one_flight(emulator: ARDroneEmulator, calib: Path, out: Path, name: str, group: bool, fly_s: float) -> dict:
    p = emulator.ports
    command = [*fly_command_line(), "--drone", "127.0.0.1", "--duration", "600", "--out", str(out),
               "--stereo", emulator.stereo_url, "--calib", str(calib),
               "--set", f"bridge.at_port={p.at}", "--set", f"bridge.navdata_port={p.navdata}",
               "--set", f"bridge.config_port={p.config}", "--set", "log.depth_maps=false"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if emulator.entered(AIRBORNE, 120.0) is None:
            return {"error": "fly.py never took off"}
        time.sleep(fly_s)
        signum = getattr(signal, name)
        sent = time.monotonic()
        (os.killpg if group else os.kill)(process.pid, signum)
        landing = emulator.entered(LANDING, 5.0)
        code = process.wait(120)
        exited = time.monotonic()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    emulator.entered((ControlState.LANDED,), 10.0)
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    return {
        "exit_code": code,
        "wire_land_s": None if landing is None else landing - sent,
        "in_process_land_s": summary.get("land_command_after_s"),
        "exit_after_s": exited - sent,
        "ended_by": summary.get("ended_by"),
        "model_saved": (out / "mono_cnn.pt").is_file(),
    }


def ms(values: list[float | None]) -> dict:
    got = [v for v in values if v is not None]
    if not got:
        return {"n": 0}
    a = np.asarray(got) * 1000.0
    return {"n": len(a), "p50_ms": round(float(np.median(a)), 1), "max_ms": round(float(a.max()), 1)}


def run(args: argparse.Namespace) -> dict:
    config = load_config(getattr(args, "config", None), getattr(args, "overrides", []))
    cam = config.camera
    results: dict[str, list[dict]] = {name: [] for name, _ in SIGNALS}
    floors: list[float | None] = []
    with tempfile.TemporaryDirectory() as folder:
        calib = Path(folder) / "calib.yaml"
        StereoCalibration.ideal(cam.width, cam.height, cam.hfov_deg, cam.baseline_m).save(calib)
        for trial in range(args.trials):
            body = KinematicBody(config.drone, config.camera, 1.0 / config.sim.camera_hz, trial)
            with ARDroneEmulator(body, EmulatorPorts.ephemeral(), model=config.drone,
                                 timing=Timing(demo_hz=60.0)) as emulator:  # fmt: skip
                floors.append(raw_land_floor(emulator))
                for name, group in SIGNALS:
                    print(f"... trial {trial + 1}/{args.trials}: {name}", file=sys.stderr)
                    out = Path(folder) / f"{name}-{trial}"
                    results[name].append(one_flight(emulator, calib, out, name, group, args.fly_s))
    figures: dict = {"target": "land command on the wire within 100 ms of the signal"}
    for name, flights in results.items():
        figures[name] = {
            "signal_to_land_on_the_wire": ms([f.get("wire_land_s") for f in flights]),
            "signal_to_land_in_process": ms([f.get("in_process_land_s") for f in flights]),
            "signal_to_exit_s_max": round(max(f.get("exit_after_s", float("nan")) for f in flights), 2),
            "exit_codes": sorted({f.get("exit_code") for f in flights}),
            "summaries_ended_by": sorted({str(f.get("ended_by")) for f in flights}),
            "models_saved": sum(bool(f.get("model_saved")) for f in flights),
        }
    figures["peer_raw_client_ref_land_to_landing"] = ms(floors)
    return figures
