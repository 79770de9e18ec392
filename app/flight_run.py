"""One flight, on either drone: the pilot built and flown with a status line, the run folder, the summary."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tqdm import tqdm

from drone_ssl import __version__
from drone_ssl.atomic_file import write_text_atomically
from drone_ssl.config import dump_config
from drone_ssl.drone import Drone
from drone_ssl.errors import SaveError
from drone_ssl.flight_report import plot_flight, summarise, summary_table, write_summary
from drone_ssl.flight_stats import FlightStats
from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.flightlog.live import LiveServer
from drone_ssl.flightlog.scene import RoomScene
from drone_ssl.flightlog.transforms import CameraRig
from drone_ssl.pilot import Evaluator, FrameResult, Pilot
from drone_ssl.stack import build_pilot, labeler_for_stream
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.cli import config_from_args
from drone_ssl_app.config import Config, real_flight_check
from drone_ssl_app.exit_signals import ExitSignals
from drone_ssl_app.flight_end import FlightEnd, ending_facts, finish_flight, unsaved_line
from drone_ssl_app.input_files import check_flight_inputs
from drone_ssl_app.live_flight import PacedDrone, Pacer, serving
from drone_ssl_app.run_folder import RunFolder


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


def fly(
    args: argparse.Namespace,
    config: Config,
    drone: Drone,
    labeler: StereoLabeler,
    out: Path,
    lock_step: bool,
    signals: ExitSignals,
    seed: int,
    evaluator: Evaluator | None = None,
    rig: CameraRig | None = None,
    took_off: Callable[[], None] | None = None,
    live: LiveServer | None = None,
    scene: RoomScene | None = None,
) -> tuple[Pilot, FlightStats, FlightEnd, BaseException | None]:
    """The same loop for both drones: build the pilot, fly with a live status line, keep the model whatever
    happens; returns what ended the flight (None: it ran its course) for the caller to report, then raise.
    `took_off` is told once the pilot is built: from then on the run folder holds a flight. With `live` the
    log is served too and a lock-step simulator is paced to the wall clock (`--speed`); `scene` is the
    simulated room, logged before the first frame."""
    view = None
    if args.view:
        from drone_ssl_app.live_view import LiveView

        view = LiveView()
    log = open_log(args, config, out, lock_step, seed, rig, live)
    if live is not None and lock_step and log is not None:  # --live: the simulator at the wall clock's pace
        drone = PacedDrone(drone, Pacer(log.origin_ns, args.speed))  # type: ignore[assignment]
    try:
        if scene is not None and log is not None:
            log.log_scene(0.0, scene)
        pilot = build_pilot(drone, config, labeler, args.estimator, args.model, lock_step, evaluator, seed, log)
    except BaseException:
        if log is not None:
            log.close()
        raise
    if took_off is not None:
        took_off()
    status = StatusLine(pilot, round(args.duration / drone.frame_period_s))

    def on_frame(result: FrameResult) -> None:
        status(result)
        if view is not None:
            view.show(result)
            if view.stop_requested:
                pilot.request_stop()

    ended: BaseException | None = None
    try:
        signals.arm()  # a signal now ends the flight: land first (pilot.fly), then what follows here
        pilot.fly(args.duration, args.cut_stereo_at, on_frame, on_landing=signals.disarm)
    except BaseException as exc:  # reported after the summary is written: nothing recorded is lost
        ended = exc
    finally:
        signals.disarm()
        status.close()
        if view is not None:
            view.close()
        end = finish_flight(pilot, out, log)  # keep what was learned, however the flight ended
    for problem in end.problems:
        print(f"warning: {problem}", file=sys.stderr)
    trainer = pilot.learner.error
    if trainer is not None and str(trainer) != str(ended):  # what ended the flight is said once, as the error
        print(f"warning: background training stopped early: {trainer}", file=sys.stderr)
    return pilot, pilot.stats, end, ended or end.log_error


def open_log(
    args: argparse.Namespace,
    config: Config,
    out: Path,
    lock_step: bool,
    seed: int,
    rig: CameraRig | None,
    live: LiveServer | None = None,
) -> FlightLogWriter | None:
    """The flight's MCAP log (log.enabled) and/or the live server's feed; on a real drone a full queue drops
    frames rather than stall. The server outlives the log (the caller lingers, then closes it)."""
    if not config.log.enabled and live is None:
        return None
    versions = {"drone_ssl": __version__, "estimator": args.estimator, "model": str(args.model or "untrained")}
    metadata = {"strategy": config.arbiter.strategy, "drone": "sim" if args.sim else args.drone,
                "seed": seed}  # fmt: skip
    return FlightLogWriter(
        out / "flight.mcap" if config.log.enabled else None, dump_config(config), versions, metadata,
        depth_maps=config.log.depth_maps, chunk_period_s=config.log.chunk_period_s, drop_when_full=not lock_step,
        rig=rig, live=live, close_live=False,
    )  # fmt: skip


def report(
    args: argparse.Namespace,
    config: Config,
    out: Path,
    pilot: Pilot,
    stats: FlightStats,
    end: FlightEnd,
    wall_time_s: float,
    room: tuple[float, list, np.ndarray] | None = None,
    ending: dict | None = None,
) -> None:
    """Write summary.json and the plots, print the summary; a file that cannot be written (a full disk) is one
    line after the table, never a lost summary."""
    strategy = config.arbiter.strategy
    facts = {
        **(ending or {}),
        "strategy": strategy,
        "estimator": args.estimator,
        "seed": config.sim.seed if args.sim else args.seed or 0,
        "drone": "sim" if args.sim else args.drone,
        "cut_stereo_at_s": args.cut_stereo_at,
        "learning_rounds": pilot.learner.rounds,
        "model": None if end.model_path is None else end.model_path.name,
    }
    summary = summarise(stats, pilot.learner.history, wall_time_s, facts)
    unsaved = list(end.unsaved)
    try:
        write_summary(out / "summary.json", summary)
    except SaveError as exc:
        unsaved.append(exc)
    room_size, footprints, collision_xy = room if room is not None else (None, [], np.zeros((0, 2)))
    switch_rule = {
        "switch: TPR at least": config.arbiter.switch_min_tpr,
        "switch: FPR at most": config.arbiter.switch_max_fpr,
    }
    plot_flight(
        out, stats, pilot.learner.history, room_size, footprints, collision_xy,
        config.perception.avoid_distance_m, f"{strategy}, {args.estimator}, {facts['drone']}", switch_rule, unsaved,
    )  # fmt: skip
    print(summary_table(summary))
    print(f"run folder: {out}")
    line = unsaved_line(unsaved)
    if line is not None:
        print(f"warning: {line}", file=sys.stderr)


def prepare(args: argparse.Namespace, extra: list[str]) -> tuple[Config, str]:
    """The configuration and the run folder's label; nothing is written yet."""
    extra = extra + ([] if args.strategy is None else [f"arbiter.strategy={args.strategy}"])
    config = config_from_args(args, extra)
    return config, f"{config.arbiter.strategy}-" + (f"seed{config.sim.seed}" if args.sim else "drone")


def fly_sim(args: argparse.Namespace, signals: ExitSignals) -> int:
    config, label = prepare(args, [] if args.seed is None else [f"sim.seed={args.seed}"])
    check_flight_inputs(config, args.estimator, args.model, None)
    return serving(args, signals, lambda live: _fly_sim(args, config, label, signals, live))


def _fly_sim(
    args: argparse.Namespace, config: Config, label: str, signals: ExitSignals, live: LiveServer | None
) -> int:
    from drone_ssl_sim.scene_entities import room_scene
    from drone_ssl_sim.sim_drone import SimDrone

    with RunFolder.claim(args.out, label) as folder:  # refused before take-off: the folder is removed again
        out = folder.path
        write_text_atomically(out / "config.yaml", dump_config(config))
        started = time.perf_counter()
        with SimDrone(config) as drone:
            drone.rig.export_calibration(out / "stereo_calibration.yaml")
            labeler = StereoLabeler(drone.rig.calibration, config.perception)
            rig = CameraRig(drone.rig.calibration, config.camera.forward_offset_m)
            pilot, stats, end, ended = fly(
                args, config, drone, labeler, out, True, signals, config.sim.seed, drone.evaluate, rig, folder.took_off,
                live, room_scene(drone.world),
            )  # fmt: skip
            footprints = [(o.footprint().points, o.footprint().radius) for o in drone.world.obstacles]
            collision_xy = np.array([c.position[:2] for c in drone.collisions]).reshape(-1, 2)
        room = (config.sim.room.size_m, footprints, collision_xy)
        return report_then_raise(args, config, out, pilot, stats, end, started, room, ended, signals)


def fly_drone(args: argparse.Namespace, signals: ExitSignals) -> int:
    config, label = prepare(args, [])
    real_flight_check(config)  # keys that once set a real flight name what to write now
    check_flight_inputs(config, args.estimator, args.model, args.calib)  # every file named, before connecting
    calibration = None if args.calib is None else StereoCalibration.load(args.calib)
    return serving(args, signals, lambda live: _fly_drone(args, config, label, signals, live, calibration))


def _fly_drone(
    args: argparse.Namespace,
    config: Config,
    label: str,
    signals: ExitSignals,
    live: LiveServer | None,
    calibration: StereoCalibration | None,
) -> int:
    from drone_ssl_bridge.factory import real_drone

    with RunFolder.claim(args.out, label) as folder:  # refused before take-off: the folder is removed again
        out = folder.path
        write_text_atomically(out / "config.yaml", dump_config(config))
        rig = None
        if calibration is not None:
            rig = CameraRig(calibration, config.camera.forward_offset_m)
            calibration.save(out / "stereo_calibration.yaml")
            labeler = labeler_for_stream(calibration, config)
        else:  # the front camera alone: no stereo, so the labeler is never asked
            labeler = StereoLabeler.ideal(config.camera, config.perception)
        drone = real_drone(config, args.drone, args.stereo, args.calib, args.stereo_right)
        signals.land_now, signals.force_land = drone.request_land, getattr(drone, "force_land", drone.request_land)
        started = time.perf_counter()
        with drone:  # lands on every way out: the end, Ctrl-C, a lost link, an exception
            pilot, stats, end, ended = fly(
                args,
                config,
                drone,
                labeler,
                out,
                False,
                signals,
                args.seed or 0,
                rig=rig,
                took_off=folder.took_off,
                live=live,
            )
        return report_then_raise(args, config, out, pilot, stats, end, started, None, ended, signals)


def report_then_raise(
    args: argparse.Namespace,
    config: Config,
    out: Path,
    pilot: Pilot,
    stats: FlightStats,
    end: FlightEnd,
    started: float,
    room: tuple | None,
    ended: BaseException | None,
    signals: ExitSignals,
) -> int:
    """The summary is written however the flight ended; then what ended it is raised, or the exit code returned."""
    try:
        report(args, config, out, pilot, stats, end, time.perf_counter() - started, room,
               ending_facts(ended, signals, pilot))  # fmt: skip
    finally:
        if ended is not None:
            raise ended
    return signals.exit_code or 0
