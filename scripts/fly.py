"""Fly the simulated room (--sim) or a real AR.Drone 2.0 (--drone HOST), learning mono from stereo as it goes."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from drone_ssl.cli import add_config_args, config_from_args, main_guard, run_folder  # noqa: E402
from drone_ssl.config import dump_config  # noqa: E402
from drone_ssl.config.flight import STRATEGY_NAMES  # noqa: E402
from drone_ssl.errors import DroneSSLError  # noqa: E402
from drone_ssl.flight_report import plot_flight, summarise, summary_table, write_summary  # noqa: E402
from drone_ssl.pilot import Evaluation, FrameResult, Pilot  # noqa: E402
from drone_ssl.stack import ESTIMATORS, build_pilot  # noqa: E402
from drone_ssl.stereo.labeler import StereoLabeler  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--sim", action="store_true", help="fly the PyBullet room simulator")
    target.add_argument("--drone", metavar="HOST", help="fly a real AR.Drone 2.0 at this address")
    parser.add_argument("--seed", type=int, default=None, help="room, textures and flight seed (default sim.seed)")
    parser.add_argument("--duration", type=float, default=120.0, metavar="SECONDS", help="flight time (simulated)")
    parser.add_argument("--strategy", choices=STRATEGY_NAMES, help="arbiter strategy (default arbiter.strategy)")
    parser.add_argument("--estimator", choices=ESTIMATORS, default="cnn", help="monocular estimator")
    parser.add_argument("--model", type=Path, metavar="PATH", help="start from this mono model (needed by 'mono')")
    parser.add_argument("--cut-stereo-at", type=float, metavar="SECONDS", help="lose stereo from then on")
    parser.add_argument("--out", metavar="DIR", help="run folder (default runs/<time>-<strategy>-seed<N>)")
    parser.add_argument("--view", action="store_true", help="live window: stereo pair, disparity, mono, phase")
    add_config_args(parser)
    args = parser.parse_args(argv)
    if not args.duration > 0:
        parser.error(f"--duration must be a positive number of seconds, got {args.duration}")
    if args.seed is not None and args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}")
    if args.cut_stereo_at is not None and not args.cut_stereo_at >= 0:
        parser.error(f"--cut-stereo-at must be a time in seconds >= 0, got {args.cut_stereo_at}")
    if args.model is not None and not args.model.is_file():
        parser.error(f"--model {args.model} does not exist; pass a model file (e.g. models/mono_cnn.pt)")
    return args


class StatusLine:
    """The live line under the progress bar: sim time, phase, mono AUC, collisions, overrides."""

    def __init__(self, pilot: Pilot, total_frames: int) -> None:
        self.pilot = pilot
        self.bar = tqdm(total=total_frames, unit="frame", dynamic_ncols=True, mininterval=0.5)

    def __call__(self, result: FrameResult) -> None:
        stats, latest = self.pilot.stats, self.pilot.learner.latest
        auc = "-" if latest is None or latest.roc_auc != latest.roc_auc else f"{latest.roc_auc:.2f}"
        self.bar.update(1)
        self.bar.set_postfix_str(
            f"t={result.observation.t:6.1f}s {result.decision.phase.value:<9} auc={auc} "
            f"collisions={stats.collisions} overrides={stats.overrides}",
            refresh=False,
        )

    def close(self) -> None:
        self.bar.close()


def fly_sim(args: argparse.Namespace) -> int:
    from sim.sim_drone import SimDrone

    extra = [] if args.seed is None else [f"sim.seed={args.seed}"]
    extra += [] if args.strategy is None else [f"arbiter.strategy={args.strategy}"]
    config = config_from_args(args, extra)
    strategy = config.arbiter.strategy
    view = None
    if args.view:
        from drone_ssl.live_view import LiveView

        view = LiveView()
    out = run_folder(args.out, f"{strategy}-seed{config.sim.seed}")
    (out / "config.yaml").write_text(dump_config(config))
    started = time.perf_counter()
    with SimDrone(config) as drone:
        drone.rig.export_calibration(out / "stereo_calibration.yaml")
        labeler = StereoLabeler(drone.rig.calibration, config.perception)

        def evaluator() -> Evaluation:  # ground truth, for statistics only
            return Evaluation(drone.ground_truth().nearest_ahead_m, len(drone.collisions))

        pilot = build_pilot(
            drone,
            config,
            labeler,
            args.estimator,
            args.model,
            lock_step=True,
            evaluator=evaluator,
            seed=config.sim.seed,
        )
        status = StatusLine(pilot, round(args.duration * config.sim.camera_hz))

        def on_frame(result: FrameResult) -> None:
            status(result)
            if view is not None:
                view.show(result)
                if view.stop_requested:
                    pilot.request_stop()

        try:
            stats = pilot.fly(args.duration, args.cut_stereo_at, on_frame)
        finally:
            status.close()
            if view is not None:
                view.close()
            model_path = pilot.learner.save(out)
        footprints = [(o.footprint().points, o.footprint().radius) for o in drone.world.obstacles]
        collision_xy = np.array([c.position[:2] for c in drone.collisions]).reshape(-1, 2)
    facts = {
        "strategy": strategy,
        "estimator": args.estimator,
        "seed": config.sim.seed,
        "cut_stereo_at_s": args.cut_stereo_at,
        "learning_rounds": pilot.learner.rounds,
        "model": model_path.name,
    }
    summary = summarise(stats, pilot.learner.history, time.perf_counter() - started, facts)
    write_summary(out / "summary.json", summary)
    plot_flight(
        out,
        stats,
        pilot.learner.history,
        config.sim.room.size_m,
        footprints,
        collision_xy,
        config.perception.avoid_distance_m,
        f"{strategy}, {args.estimator}, seed {config.sim.seed}",
    )
    print(summary_table(summary))
    print(f"run folder: {out}")
    return 0


def main() -> int:
    args = parse_args()
    if args.drone is not None:
        raise DroneSSLError("--drone is not wired yet: the AR.Drone 2.0 bridge is still being integrated; use --sim")
    return fly_sim(args)


if __name__ == "__main__":
    main_guard(main)
