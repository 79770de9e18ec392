"""Benchmark of the whole persistent self-supervised loop in the simulator: real-time factor with learning."""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.flightlog.channels import ALL
from drone_ssl.flightlog.live import LiveServer
from drone_ssl.flightlog.transforms import CameraRig
from drone_ssl.pilot import Pilot
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import Config
from drone_ssl_lab.bench.loop_parts import PartClock, breakdown, plot, process_cpu_s
from drone_ssl_lab.bench.paced_drone import PacedDrone
from drone_ssl_lab.bench.sim import render_ceiling
from drone_ssl_sim.sim_drone import SimDrone


def timed_flight(
    config: Config,
    seconds: float,
    live: bool = False,
    concurrent_cameras: bool = False,
    log_folder: Path | None = None,
) -> dict[str, float]:
    """Fly the loop for `seconds` of simulated time; wall time, CPU time, what was learned and where the CPU went
    (`parts`). `live`: every frame also served by the live Foxglove server to a client subscribed to every
    channel; `concurrent_cameras`: the right camera rendered in a second process; `log_folder`: the flight
    logged to a file there, as `fly.py` logs it (else no file)."""
    with SimDrone(config, concurrent_cameras=concurrent_cameras) as drone, contextlib.ExitStack() as stack:
        log, client = None, None
        rig = CameraRig(drone.rig.calibration, config.camera.forward_offset_m)
        if live:
            from drone_ssl.flightlog.live_client import LiveSubscriber  # needs websockets (the dev extra)

            server = LiveServer(port=0)
            log = stack.enter_context(FlightLogWriter(None, "", {}, {}, rig=rig, live=server))
            client = stack.enter_context(LiveSubscriber(server.url, [spec.topic for spec in ALL]))
            client.start_counting()
        elif log_folder is not None:
            log = stack.enter_context(
                FlightLogWriter(
                    log_folder / "flight.mcap", "", {}, {}, chunk_period_s=config.log.chunk_period_s, rig=rig
                )
            )
        labeler = StereoLabeler(drone.rig.calibration, config.perception)
        clock = PartClock()
        clock.wrap(drone, "evaluate", "ground truth")  # before the pilot holds it
        pilot = build_pilot(drone, config, labeler, evaluator=drone.evaluate, log=log)
        trainer_pid = _instrument(clock, pilot, drone, log)
        trainer_cpu = process_cpu_s(trainer_pid)  # its start-up (imports, the first model) is not the loop's
        bar = stack.enter_context(tqdm(total=round(seconds * config.sim.camera_hz), unit="frame", leave=False))
        try:
            started, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
            stats = pilot.fly(seconds, on_frame=lambda _: bar.update())
            wall, cpu, own = time.perf_counter() - started, time.process_time() - cpu, time.thread_time() - own
            pilot.learner.stop()  # every step started is done before the trainer's CPU is read
            trainer_cpu = process_cpu_s(trainer_pid) - trainer_cpu
        finally:
            pilot.close()
        if log is not None:
            log.close()  # everything queued is served before the figures are taken
            time.sleep(0.5)
            clock.cpu_s["log encoding+writing"] += log.thread_cpu_s
    # No --model here: every learning round was one publish, so one ONNX export in the trainer.
    export_s = _export_cpu_s(config) * pilot.learner.rounds if trainer_pid is not None else 0.0
    clock.cpu_s["training"] += max(0.0, trainer_cpu - export_s)
    clock.cpu_s["publishing weights"] += min(export_s, trainer_cpu)  # the trainer's ONNX exports
    figures = {
        "sim_s": round(stats.flight_time_s, 1),
        "frames": stats.frames,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "real_time_factor": round(stats.flight_time_s / wall, 2),
        "gradient_steps": pilot.learner.steps,
        "learning_rounds": pilot.learner.rounds,
        "parts": breakdown(clock, stats.flight_time_s, cpu, own),
    }
    if client is not None and log is not None:
        figures["live_images_received"] = client.received["/camera/left"]
        figures["writer_thread_cpu_ms_per_frame"] = round(1000 * log.thread_cpu_s / max(1, stats.frames), 2)
    return figures


def _instrument(clock: PartClock, pilot: Pilot, drone: SimDrone, log: FlightLogWriter | None) -> int | None:
    """Time each part of the loop where it runs; the training process's id (its CPU is read from outside)."""
    clock.wrap(drone, "physics_step", "physics")
    clock.wrap(drone.rig, "render", "rendering")
    clock.wrap(drone, "_sensor_effects", "rendering")  # noise and blur on the rendered pair
    clock.wrap(pilot.labeler, "read", "stereo matching")
    clock.wrap(pilot.estimator, "predict", "mono inference")
    backend = pilot.learner.backend
    clock.wrap(backend, "publish", "publishing weights")  # the loop's side: the request, a texton refit
    if hasattr(pilot.estimator, "_load"):
        clock.wrap(pilot.estimator, "_load", "publishing weights")  # the session build, on the swap thread
    if log is not None:
        clock.wrap(log, "log_frame", "log encoding+writing")  # the loop's side; the writer thread's is added after
    training = getattr(backend, "training", None)
    return None if training is None else training.pid


_EXPORT_CPU_S: dict[tuple[int, int], float] = {}


def _export_cpu_s(config: Config) -> float:
    """CPU seconds of one ONNX export of the CNN (measured here: the trainer does the same work per publish)."""
    import torch

    from drone_ssl.mono.cnn_trainer import CnnTrainer

    size = (config.camera.width, config.camera.height)
    if size in _EXPORT_CPU_S:
        return _EXPORT_CPU_S[size]

    threads = torch.get_num_threads()
    torch.set_num_threads(config.learner.torch_threads)  # as the trainer runs: idle pool threads spin on CPU time
    try:
        trainer = CnnTrainer(config.perception, config.camera.width, config.camera.height, seed=0)
        trainer.export_onnx()  # the first one pays for imports
        started = time.process_time()
        for _ in range(3):
            trainer.export_onnx()
    finally:
        torch.set_num_threads(threads)
    _EXPORT_CPU_S[size] = (time.process_time() - started) / 3
    return _EXPORT_CPU_S[size]


def real_time_training(config: Config, seconds: float) -> dict[str, float]:
    """The real-drone path's training budget: the same learner training in the background while the loop takes
    frames at the camera's rate in wall time (no lock-step); gradient samples per wall second."""
    with SimDrone(config) as sim_drone:
        drone = PacedDrone(sim_drone)
        labeler = StereoLabeler(sim_drone.rig.calibration, config.perception)
        pilot = build_pilot(drone, config, labeler, lock_step=False)
        try:
            started = time.perf_counter()
            pilot.fly(seconds)
            wall = time.perf_counter() - started
            steps = pilot.learner.steps
        finally:
            pilot.close()
    # Training starts once the held-out window is full and the buffer holds min_samples (paced: that many frames).
    waiting = (config.learner.validation_window + config.learner.min_samples) / config.sim.camera_hz
    return {
        "wall_s": round(wall, 1),
        "training_wall_s": round(wall - waiting, 1),
        "gradient_steps": steps,
        "samples_per_wall_s": round(steps * config.learner.batch_size / max(wall - waiting, 1e-9), 1),
    }


def run(
    config: Config, seconds: float = 120.0, progress: Callable[[str], None] = lambda _: None, out: Path | None = None
) -> dict:
    """The loop with learning, the same without (steps_per_sim_s 0), each also with the right camera rendered in the
    render peer process, the same logged to a file as `fly.py` logs, and the rendering-only ceiling; the CPU
    breakdown of each part plotted into `out` (a new temporary folder if None)."""
    out = Path(tempfile.mkdtemp(prefix="bench-loop-")) if out is None else Path(out)
    out.mkdir(parents=True, exist_ok=True)
    progress(f"loop with learning, {seconds:g} simulated s")
    learning = timed_flight(config, seconds)
    progress("loop with learning, logged to a file (fly.py's loop)")
    with tempfile.TemporaryDirectory() as folder:
        logged = timed_flight(config, seconds, log_folder=Path(folder))
    progress("loop with learning, right camera in the render peer (competes with the trainer for the core)")
    learning_concurrent = timed_flight(config, seconds, concurrent_cameras=True)
    progress("loop without learning")
    frozen = dataclasses.replace(config, learner=dataclasses.replace(config.learner, steps_per_sim_s=0.0))
    no_learning = timed_flight(frozen, seconds)
    progress("loop without learning, served live to a subscribed Foxglove client")
    live = timed_flight(frozen, seconds, live=True)
    progress("loop without learning, right camera in the render peer")
    no_learning_concurrent = timed_flight(frozen, seconds, concurrent_cameras=True)
    progress("rendering ceiling")
    ceiling = render_ceiling(config, frames=200)
    progress(f"the real-drone path: frames at {config.sim.camera_hz:g} Hz in wall time, training in the background")
    real_time = real_time_training(config, 60.0)
    period_ms = 1000.0 / config.sim.camera_hz
    frames = max(1, live["frames"])
    # Both flights are lock-step and identical but for the live server: the difference is its cost per frame.
    live_wall_ms = 1000 * (live["wall_s"] - no_learning["wall_s"]) / frames
    live_cpu_ms = 1000 * (live["cpu_s"] - no_learning["cpu_s"]) / frames
    served_ms = live["writer_thread_cpu_ms_per_frame"]
    ceiling_rtf = ceiling["ceiling_rtf"]
    flights = {"without learning": no_learning, "with learning": learning, "with learning, logged": logged}
    chart = plot({name: flight["parts"] for name, flight in flights.items()}, out / "loop_breakdown.png")
    return {
        "camera": f"{config.camera.width}x{config.camera.height} @ {config.sim.camera_hz:g} Hz",
        "steps_per_sim_s": config.learner.steps_per_sim_s,
        "with_learning": learning,
        "with_learning_concurrent_cameras": learning_concurrent,
        "without_learning": no_learning,
        "without_learning_live": live,
        # The live server's cost per frame: encoding and serving every channel (its own thread's CPU), that
        # against the frame period, and the whole process's extra CPU and wall time (incl. the test client).
        "live_serve_cpu_ms_per_frame": served_ms,
        "live_serve_pct_of_frame_period": round(100 * served_ms / period_ms, 2),
        "live_process_cpu_ms_per_frame": round(live_cpu_ms, 2),
        "live_wall_ms_per_frame": round(live_wall_ms, 2),
        "without_learning_concurrent_cameras": no_learning_concurrent,
        "rendering_ceiling_real_time_factor": round(ceiling_rtf, 2),
        "with_learning_logged": logged,
        "with_learning_share_of_ceiling": round(learning["real_time_factor"] / ceiling_rtf, 3),
        "without_learning_share_of_ceiling": round(no_learning["real_time_factor"] / ceiling_rtf, 3),
        "without_learning_concurrent_share_of_ceiling": round(
            no_learning_concurrent["real_time_factor"] / ceiling_rtf, 3
        ),
        "with_learning_concurrent_share_of_ceiling": round(learning_concurrent["real_time_factor"] / ceiling_rtf, 3),
        "breakdown_plot": chart,
        # The honest budget: what the simulator gives the learner per simulated second must not exceed what the
        # same learner gets per wall second on the real-drone path (it does not in lock-step: that waits for it).
        "sim_budget_samples_per_sim_s": config.learner.steps_per_sim_s * config.learner.batch_size,
        "real_drone_path_training": real_time,
    }
