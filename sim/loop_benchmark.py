"""Benchmark of the whole persistent self-supervised loop in the simulator: real-time factor with learning."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from drone_ssl.config import Config
from drone_ssl.pilot import Evaluation
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from sim.benchmark import render_ceiling
from sim.sim_drone import SimDrone


def timed_flight(config: Config, seconds: float, concurrent_cameras: bool = False) -> dict[str, float]:
    """Fly the loop for `seconds` of simulated time (no log, no live view); wall time and what was learned."""
    with SimDrone(config, concurrent_cameras=concurrent_cameras) as drone:

        def evaluator() -> Evaluation:
            return Evaluation(drone.ground_truth().nearest_ahead_m, len(drone.collisions))

        pilot = build_pilot(drone, config, StereoLabeler(drone.rig.calibration, config.perception), evaluator=evaluator)
        try:
            started = time.perf_counter()
            stats = pilot.fly(seconds)
            wall = time.perf_counter() - started
        finally:
            pilot.close()
    return {
        "sim_s": round(stats.flight_time_s, 1),
        "wall_s": round(wall, 2),
        "real_time_factor": round(stats.flight_time_s / wall, 2),
        "gradient_steps": pilot.learner.steps,
        "learning_rounds": pilot.learner.rounds,
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
    progress("loop without learning, right camera in the render peer")
    no_learning_concurrent = timed_flight(frozen, seconds, concurrent_cameras=True)
    progress("rendering ceiling")
    ceiling = render_ceiling(config, frames=200)
    return {
        "camera": f"{config.camera.width}x{config.camera.height} @ {config.sim.camera_hz:g} Hz",
        "steps_per_sim_s": config.learner.steps_per_sim_s,
        "with_learning": learning,
        "with_learning_concurrent_cameras": learning_concurrent,
        "without_learning": no_learning,
        "without_learning_concurrent_cameras": no_learning_concurrent,
        "rendering_ceiling_real_time_factor": round(ceiling["ceiling_rtf"], 2),
    }
