"""`bench.py bridge`: ARDrone2 against the loopback emulator - command-loop period and navdata-to-command latency."""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np

from drone_ssl.types import Command
from drone_ssl_app.cli import add_duration
from drone_ssl_app.config import Config, load_config
from drone_ssl_bridge.ardrone2.drone import ARDrone2
from drone_ssl_bridge.ardrone2.protocol.navdata import NavState
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, KinematicBody
from drone_ssl_emulator.events import WireEvent


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("bridge", help="AR.Drone bridge: command-loop period, navdata-to-command latency")
    add_duration(parser, 10.0, "wall-clock seconds of flight at 10 Hz frames (default %(default)s)", old="--seconds")
    parser.add_argument("--configs", type=int, default=30, help="CONFIG/ACK round trips timed for the latency")
    parser.add_argument("--body", choices=("kinematic", "sim"), default="kinematic", help="the emulator's body")
    parser.set_defaults(run=run)
    return parser


def percentiles_ms(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    a = np.asarray(values) * 1000.0
    return {
        "n": len(a),
        "p50_ms": round(float(np.percentile(a, 50)), 2),
        "p99_ms": round(float(np.percentile(a, 99)), 2),
    }


def ack_latencies(events: list[WireEvent]) -> list[float]:
    """From the first navdata packet that shows the command-ACK bit to the CTRL 5 that answers it."""
    out, shown_at = [], None
    for event in events:
        if event.kind == "navdata" and event.state & NavState.COMMAND_ACK and shown_at is None:
            shown_at = event.t
        elif event.kind == "at" and "CTRL" in event.names and shown_at is not None:
            out.append(event.t - shown_at)
            shown_at = None
    return out


def run(args: argparse.Namespace) -> dict:
    overrides = getattr(args, "overrides", [])
    config: Config = load_config(getattr(args, "config", None), overrides)
    if args.body == "sim":
        from drone_ssl_sim.sim_drone import SimDrone

        body = SimDrone(config)
    else:
        body = KinematicBody(config.drone, config.camera, 1.0 / config.sim.camera_hz, config.sim.seed)
    with ARDroneEmulator(body, EmulatorPorts.ephemeral(), model=config.drone) as emulator:
        p = emulator.ports
        bridge = replace(config.bridge, host=p.host, at_port=p.at, navdata_port=p.navdata, config_port=p.config)
        with ARDrone2(bridge, config.drone) as drone:
            drone.takeoff()
            emulator.events.clear()
            loop = drone.command_loop
            loop.tick_times.clear()
            start = time.monotonic()
            frame = 0
            while time.monotonic() - start < args.duration:  # a pilot at the stereo rate, as in flight
                frame += 1
                drone.send(Command(yaw=0.3 if frame % 20 < 10 else -0.3))
                time.sleep(1.0 / config.sim.camera_hz)
            ticks = list(loop.tick_times)
            flight_events = emulator.events.snapshot()
            emulator.events.clear()
            for i in range(args.configs):
                drone.configure("control:altitude_max", str(2000 + i))
            config_events = emulator.events.snapshot()
    at_times = [e.t for e in flight_events if e.kind == "at"]
    return {
        "device": "loopback emulator (127.0.0.1), this machine's CPU",
        "configured_period_ms": round(bridge.command_period_s * 1000.0, 1),
        "command_loop_period": percentiles_ms(list(np.diff(ticks))),
        "at_datagram_interval_at_drone": percentiles_ms(list(np.diff(at_times))),
        "navdata_to_command_latency": percentiles_ms(ack_latencies(config_events)),
        "note": "latency: navdata with the ACK bit leaves the emulator -> the bridge's CTRL 5 arrives there",
    }
