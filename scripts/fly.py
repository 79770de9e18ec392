"""Fly the simulated room (--sim) or a real AR.Drone 2.0 (--drone HOST) and write a run folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from drone_ssl.cli import add_config_args, config_from_args, main_guard, run_folder  # noqa: E402
from drone_ssl.config import dump_config  # noqa: E402
from drone_ssl.errors import DroneSSLError  # noqa: E402
from drone_ssl.plots import plot_series, plot_trajectory, save_image_grid  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--sim", action="store_true", help="fly the PyBullet room simulator")
    target.add_argument("--drone", metavar="HOST", help="fly a real AR.Drone 2.0 at this address")
    parser.add_argument("--seed", type=int, default=None, help="room, textures and flight seed (default sim.seed)")
    parser.add_argument("--duration", type=float, default=60.0, metavar="SECONDS", help="simulated flight time")
    parser.add_argument("--out", metavar="DIR", help="run folder (default runs/<time>-seed<N>)")
    add_config_args(parser)
    args = parser.parse_args(argv)
    if not args.duration > 0:
        parser.error(f"--duration must be a positive number of seconds, got {args.duration}")
    if args.seed is not None and args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}")
    return args


def fly_sim(args: argparse.Namespace) -> int:
    from sim.scripted_flight import fly_scripted
    from sim.sim_drone import SimDrone

    config = config_from_args(args, [] if args.seed is None else [f"sim.seed={args.seed}"])
    out = run_folder(args.out, f"seed{config.sim.seed}")
    (out / "config.yaml").write_text(dump_config(config))
    snapshots: list[list[np.ndarray]] = []
    frames = round(args.duration * config.sim.camera_hz)
    bar = tqdm(total=frames, unit="frame", desc="scripted flight", dynamic_ncols=True)

    def on_frame(frame, gt) -> None:
        bar.update(1)
        bar.set_postfix_str(
            f"t={frame.t:6.1f}s ahead={gt.nearest_ahead_m:4.2f}m collisions={gt.collisions}", refresh=False
        )
        if bar.n % max(1, frames // 4) == 1 and frame.right is not None:
            snapshots.append([frame.left, frame.right, np.clip(gt.depth, 0, 6)])

    with SimDrone(config) as drone:
        report = fly_scripted(drone, args.duration, on_frame)
        footprints = [(o.footprint().points, o.footprint().radius) for o in drone.world.obstacles]
        collisions = np.array([c.position[:2] for c in drone.collisions]).reshape(-1, 2)
    bar.close()
    summary = report.summary()
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    track = np.array(report.track)
    plot_trajectory(
        out / "trajectory.png",
        track[:, 1:3],
        config.sim.room.size_m,
        footprints,
        collisions,
        title=f"scripted flight, seed {config.sim.seed}",
    )
    plot_series(
        out / "nearest_ahead.png",
        track[:, 0],
        {"ground truth nearest ahead": np.array(report.nearest_ahead_m)},
        "distance (m)",
        "free distance ahead",
    )
    if snapshots:
        save_image_grid(out / "frames.png", snapshots, ["left", "right", "true depth (m)"])
    width = max(len(k) for k in summary)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in summary.items()))
    print(f"run folder: {out}")
    return 0


def main() -> int:
    args = parse_args()
    if args.drone is not None:
        raise DroneSSLError(
            "--drone is not available yet: the AR.Drone 2.0 bridge is still being built; fly --sim meanwhile"
        )
    return fly_sim(args)


if __name__ == "__main__":
    main_guard(main)
