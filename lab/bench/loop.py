"""Benchmark of the whole persistent self-supervised loop in the simulator: real-time factor with learning."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable

from tqdm import tqdm

from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.flightlog.channels import ALL
from drone_ssl.flightlog.live import LiveServer
from drone_ssl.flightlog.transforms import CameraRig
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import Config
from drone_ssl_lab.bench.paced_drone import PacedDrone
from drone_ssl_lab.bench.sim import render_ceiling
from drone_ssl_sim.sim_drone import SimDrone


def timed_flight(
    config: Config, seconds: float, live: bool = False, concurrent_cameras: bool = False
) -> dict[str, float]:
    """Fly the loop for `seconds` of simulated time (no log file); wall time, CPU time and what was learned.
    `live`: every frame also served by the live Foxglove server to a client subscribed to every channel;
    `concurrent_cameras`: the right camera rendered in a second process."""
    with SimDrone(config, concurrent_cameras=concurrent_cameras) as drone, contextlib.ExitStack() as stack:
        log, client = None, None
        if live:
            from drone_ssl.flightlog.live_client import LiveSubscriber  # needs websockets (the dev extra)

            server = LiveServer(port=0)
            rig = CameraRig(drone.rig.calibration, config.camera.forward_offset_m)
            log = stack.enter_context(FlightLogWriter(None, "", {}, {}, rig=rig, live=server))
            client = stack.enter_context(LiveSubscriber(server.url, [spec.topic for spec in ALL]))
            client.start_counting()
        labeler = StereoLabeler(drone.rig.calibration, config.perception)
        pilot = build_pilot(drone, config, labeler, evaluator=drone.evaluate, log=log)
        bar = stack.enter_context(tqdm(total=round(seconds * config.sim.camera_hz), unit="frame", leave=False))
        try:
            started, cpu = time.perf_counter(), time.process_time()
            stats = pilot.fly(seconds, on_frame=lambda _: bar.update())
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            pilot.close()
        if log is not None:
            log.close()  # everything queued is served before the figures are taken
            time.sleep(0.5)
    figures = {
        "sim_s": round(stats.flight_time_s, 1),
        "frames": stats.frames,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "real_time_factor": round(stats.flight_time_s / wall, 2),
        "gradient_steps": pilot.learner.steps,
        "learning_rounds": pilot.learner.rounds,
    }
    if client is not None and log is not None:
        figures["live_images_received"] = client.received["/camera/left"]
        figures["writer_thread_cpu_ms_per_frame"] = round(1000 * log.thread_cpu_s / max(1, stats.frames), 2)
    return figures


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


def run(config: Config, seconds: float = 120.0, progress: Callable[[str], None] = lambda _: None) -> dict:
    """The loop with learning, the same without (steps_per_sim_s 0), each also with the right camera rendered in the
    render peer process, and the rendering-only ceiling."""
    progress(f"loop with learning, {seconds:g} simulated s")
    learning = timed_flight(config, seconds)
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
        "rendering_ceiling_real_time_factor": round(ceiling["ceiling_rtf"], 2),
        "with_learning_share_of_ceiling": round(learning["real_time_factor"] / ceiling["ceiling_rtf"], 3),
        # The honest budget: what the simulator gives the learner per simulated second must not exceed what the
        # same learner gets per wall second on the real-drone path (it does not in lock-step: that waits for it).
        "sim_budget_samples_per_sim_s": config.learner.steps_per_sim_s * config.learner.batch_size,
        "real_drone_path_training": real_time,
    }
