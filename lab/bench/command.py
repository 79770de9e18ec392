"""Benchmarks that print figures: `bench.py sim | perception | logs | loop | bridge | exits [--json]`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from drone_ssl_app.cli import add_config_args, add_duration, command, config_from_args
from drone_ssl_lab.bench import bridge as bench_bridge
from drone_ssl_lab.bench import exits as bench_exits
from drone_ssl_lab.bench import perception as bench_perception


def progress(text: str) -> None:
    """Each stage as it starts, on stderr (the figures go to stdout)."""
    print(f"... {text}", file=sys.stderr, flush=True)


def print_figures(figures: dict, indent: int = 0) -> None:
    for key, value in figures.items():
        if isinstance(value, dict):
            print(" " * indent + f"{key}:")
            print_figures(value, indent + 2)
        else:
            print(" " * indent + f"{key}: {value}")


def bench_sim(args: argparse.Namespace) -> dict:
    from drone_ssl_lab.bench import sim as benchmark

    config = config_from_args(args)
    return benchmark.run(
        config,
        seconds=args.duration,
        progress=progress,
        rollout_seconds=args.rollout_seconds,
        vector_seconds=args.vector_seconds,
    )


def bench_logs(args: argparse.Namespace) -> dict:
    from drone_ssl_lab.bench import flightlog as log_benchmark
    from drone_ssl_lab.bench import retrain as retrain_benchmark

    config = config_from_args(args)
    width, height = config.camera.width, config.camera.height

    log = log_benchmark.run(args.duration, width, height, config.sim.camera_hz, progress=progress)
    retraining = retrain_benchmark.run(
        config.perception, args.retrain_frames, workers=args.workers, width=width, height=height, progress=progress
    )
    return {"flight_log": log, "retraining": retraining}


def bench_loop(args: argparse.Namespace) -> dict:
    from drone_ssl_lab.bench import loop as loop_benchmark

    config = config_from_args(args)
    return loop_benchmark.run(config, seconds=args.duration, progress=progress, out=args.out)


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    sub = parser.add_subparsers(dest="suite", required=True)
    sim = sub.add_parser("sim", help="physics steps/s, stereo frames/s, real-time factor vs the rendering ceiling")
    add_duration(sim, 30.0, "simulated seconds of scripted flight at 128x96 (default %(default)s)", old="--seconds")
    sim.add_argument("--rollout-seconds", type=float, default=20.0,
                     help="wall seconds of RL-style rollout with resets (0: skip it and the vector envs)")  # fmt: skip
    sim.add_argument("--vector-seconds", type=float, default=10.0, help="wall seconds per AsyncVectorEnv size (1, 2)")
    sim.set_defaults(run=bench_sim)
    perception = bench_perception.add_parser(sub)
    logs = sub.add_parser(
        "logs", help="log write cost, size per minute, read frames/s; retraining samples/s, 1 and 2 processes"
    )
    add_duration(
        logs, 60.0, "flight seconds logged at the camera's size and rate (default %(default)s)", old="--seconds"
    )
    logs.add_argument("--retrain-frames", type=int, default=1000, help="frames in each of the two logs retrained from")
    logs.add_argument("--workers", type=int, default=1, help="log-reading processes per training process")
    logs.set_defaults(run=bench_logs)
    loop = sub.add_parser(
        "loop", help="the learning loop's real-time factor with and without learning, and the live server's cost"
    )
    add_duration(loop, 120.0, "simulated seconds of each flight (default %(default)s)", old="--seconds")
    loop.add_argument("--out", type=Path, default=None,
                      help="folder for the CPU breakdown plot (default: a new temporary folder, printed)")  # fmt: skip
    loop.set_defaults(run=bench_loop)
    bridge = bench_bridge.add_parser(sub)
    exits = bench_exits.add_parser(sub)
    for p in (sim, perception, logs, loop, bridge, exits):
        p.add_argument("--json", action="store_true", help="print the figures as JSON")
        add_config_args(p)
    args = parser.parse_args(argv)
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews every timing: report it
    figures = args.run(args)
    figures["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_1min_at_start": load_before,
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_figures(figures)
    return 0


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
