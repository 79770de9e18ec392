"""A scripted flight through the room steered by ground truth: a demo of the world and the load for benchmarks."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from drone_ssl.types import Command, Observation
from drone_ssl_sim.sim_drone import GroundTruth, SimDrone

CRUISE_PITCH = -0.2  # a fifth of the maximum tilt: about 0.75 m/s with the default drag
STOP_DISTANCE_M = 1.0  # closer than this ahead: stop and turn
CLEAR_DISTANCE_M = 1.8  # turn until at least this much is free ahead
STOPPED_MPS = 0.1  # turn only once this slow: a pure yaw command does not brake


@dataclass
class ScriptedFlightReport:
    """What the scripted flight saw and did."""

    frames: int = 0
    sim_time_s: float = 0.0
    wall_time_s: float = 0.0
    distance_flown_m: float = 0.0
    turns: int = 0
    track: list[tuple[float, float, float, float]] = field(default_factory=list)  # t, x, y, yaw
    nearest_ahead_m: list[float] = field(default_factory=list)
    image_contrast: list[float] = field(default_factory=list)  # std of the left image's grey levels
    collisions: int = 0

    @property
    def real_time_factor(self) -> float:
        return self.sim_time_s / self.wall_time_s if self.wall_time_s > 0 else math.inf

    def summary(self) -> dict[str, float | int]:
        ahead = np.array(self.nearest_ahead_m) if self.nearest_ahead_m else np.array([math.nan])
        return {
            "frames": self.frames,
            "sim_time_s": round(self.sim_time_s, 3),
            "wall_time_s": round(self.wall_time_s, 3),
            "real_time_factor": round(self.real_time_factor, 2),
            "distance_flown_m": round(self.distance_flown_m, 3),
            "turns": self.turns,
            "collisions": self.collisions,
            "nearest_ahead_min_m": round(float(np.nanmin(ahead)), 3),
            "nearest_ahead_median_m": round(float(np.nanmedian(ahead)), 3),
            "image_contrast_median": round(float(np.median(self.image_contrast)), 2) if self.image_contrast else 0.0,
        }


class GroundTruthAvoider:
    """Fly straight; when ground truth says an obstacle is near, stop, then turn clockwise until clear."""

    def __init__(self) -> None:
        self.turning = False
        self.turns = 0

    def decide(self, gt: GroundTruth, speed_mps: float) -> Command:
        if self.turning:
            if gt.nearest_ahead_m >= CLEAR_DISTANCE_M:
                self.turning = False
                return Command(pitch=CRUISE_PITCH)
            return Command(yaw=0.6) if speed_mps < STOPPED_MPS else Command.hover()
        if gt.nearest_ahead_m < STOP_DISTANCE_M:
            self.turning = True
            self.turns += 1
            return Command.hover()
        return Command(pitch=CRUISE_PITCH)


def fly_scripted(
    drone: SimDrone,
    duration_s: float,
    on_frame: Callable[[Observation, GroundTruth], None] | None = None,
) -> ScriptedFlightReport:
    """Take off, fly for `duration_s` simulated seconds, land; the drone must be connected."""
    report = ScriptedFlightReport()
    pilot = GroundTruthAvoider()
    started = time.perf_counter()
    drone.takeoff()
    t0 = drone.t
    previous: tuple[float, float] | None = None
    while drone.t - t0 < duration_s and not drone.crashed:
        frame = drone.read()
        gt = drone.ground_truth()
        x, y, _ = gt.position
        if previous is not None:
            report.distance_flown_m += math.hypot(x - previous[0], y - previous[1])
        previous = (x, y)
        report.frames += 1
        report.track.append((frame.t, x, y, gt.yaw))
        report.nearest_ahead_m.append(gt.nearest_ahead_m)
        report.image_contrast.append(float(frame.left.std()))
        drone.send(pilot.decide(gt, math.hypot(*frame.state.velocity[:2])))
        if on_frame is not None:
            on_frame(frame, gt)
    drone.land()
    report.sim_time_s = drone.t - t0
    report.wall_time_s = time.perf_counter() - started
    report.turns = pilot.turns
    report.collisions = len(drone.collisions)
    return report
