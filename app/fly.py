"""Fly the simulated room (--sim) or a real AR.Drone 2.0 (--drone HOST), learning mono from stereo as it goes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drone_ssl.config.flight import STRATEGY_NAMES
from drone_ssl.config.loader import MAX_SEED
from drone_ssl.flightlog.live import DEFAULT_PORT, LOCALHOST
from drone_ssl.stack import ESTIMATORS
from drone_ssl_app.cli import add_config_args, add_model, command
from drone_ssl_app.exit_signals import ExitSignals
from drone_ssl_app.flight_run import fly_drone, fly_sim


def fly_command_line() -> list[str]:
    """The command that runs a flight in a new process: this interpreter, this module (any install, any folder)."""
    return [sys.executable, "-m", __name__ if __name__ != "__main__" else "drone_ssl_app.fly"]


def parse_args(argv: list[str] | None = None, prog: str | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--sim", action="store_true", help="fly the PyBullet room simulator")
    target.add_argument("--drone", metavar="HOST", help="fly a real AR.Drone 2.0 at this address")
    parser.add_argument(
        "--seed", type=int, default=None, help="room, textures and flight seed (default sim.seed; 0 on a real drone)"
    )
    parser.add_argument(
        "--duration", type=float, default=120.0, metavar="SECONDS", help="flight time (simulated time with --sim)"
    )
    parser.add_argument("--strategy", choices=STRATEGY_NAMES, help="arbiter strategy (default arbiter.strategy)")
    parser.add_argument("--estimator", choices=ESTIMATORS, default="cnn", help="monocular estimator")
    add_model(parser, "start from this mono model (needed by 'mono')")
    parser.add_argument("--cut-stereo-at", type=float, metavar="SECONDS", help="lose stereo from then on")
    parser.add_argument("--out", metavar="DIR", help="run folder (default runs/<time>-<strategy>-seed<N>)")
    parser.add_argument("--view", action="store_true", help="live window: cameras, depths, decision")
    live = parser.add_argument_group("live view in Foxglove (open a WebSocket connection to ws://HOST:PORT)")
    live.add_argument("--live", action="store_true", help="serve the flight log's channels live while flying")
    live.add_argument("--live-host", default=LOCALHOST, metavar="ADDR",
                      help="address to serve on (default 127.0.0.1, this machine only; 0.0.0.0 lets the ground "
                           "station's network connect)")  # fmt: skip
    live.add_argument("--live-port", type=int, default=DEFAULT_PORT, metavar="PORT", help="default %(default)s")
    real = parser.add_argument_group("real drone (--drone)")
    real.add_argument("--stereo", metavar="URL", help="stereo stream: device index, file or URL (side by side)")
    real.add_argument("--stereo-right", metavar="URL", help="right camera stream when the two come separately")
    real.add_argument("--calib", type=Path, metavar="FILE", help="stereo calibration YAML (calibrate_stereo.py)")
    add_config_args(parser)
    args = parser.parse_args(argv)
    if not args.duration > 0:
        parser.error(f"--duration must be a positive number of seconds, got {args.duration}")
    if args.seed is not None and not 0 <= args.seed <= MAX_SEED:
        parser.error(f"--seed must be an integer 0..{MAX_SEED}, got {args.seed}")
    if not 0 <= args.live_port <= 65535:
        parser.error(f"--live-port must be a port number 0-65535 (0: any free port), got {args.live_port}")
    if args.cut_stereo_at is not None and not args.cut_stereo_at >= 0:
        parser.error(f"--cut-stereo-at must be a time in seconds >= 0, got {args.cut_stereo_at}")
    if args.sim and (args.stereo or args.stereo_right or args.calib):
        parser.error("--stereo, --stereo-right and --calib are for --drone; the simulator has its own rig")
    if args.drone is not None and args.strategy != "mono" and args.stereo is None:
        parser.error(
            "without --stereo the drone has no stereo to learn from: pass --stereo URL --calib FILE, "
            "or fly --strategy mono --model PATH on the front camera"
        )
    if args.model is not None and not args.model.is_file():
        parser.error(f"--model {args.model} does not exist; pass a model file (or --model default, the shipped one)")
    return args


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = parse_args(argv, prog)
    with ExitSignals(notify=lambda line: print(line, file=sys.stderr)) as signals:
        signals.arm()  # until the flight starts, a signal simply stops the run
        return fly_drone(args, signals) if args.drone is not None else fly_sim(args, signals)


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
