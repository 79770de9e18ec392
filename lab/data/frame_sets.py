"""Sets of simulated frames with their stereo labels and ground truth, flown by the scripted flight."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import Config
from drone_ssl_lab.data.scripted_flight import fly_scripted
from drone_ssl_sim.sim_drone import SimDrone


@dataclass
class Frames:
    """Simulated frames with what stereo said and what the simulator knows."""

    left: np.ndarray  # (N, H, W) uint8
    stereo_m: np.ndarray  # (N,) stereo label, NaN = none
    stereo_depth: np.ndarray  # (N, H, W) float32, NaN invalid
    truth_label_m: np.ndarray  # (N,) the label definition applied to the true depth
    truth_obstacle_m: np.ndarray  # (N,) nearest wall/obstacle pixel in the central region (floor excluded)


def fly_frames(config: Config, seed: int, frames: int, on_frame: Callable[[], None] | None = None) -> Frames:
    """A scripted flight (ground-truth avoidance) of `frames` camera frames in the room of `seed`; `on_frame`
    is called after each frame kept (a progress bar)."""
    stereo = StereoLabeler.ideal(config.camera, config.perception)
    s = config.perception.stereo
    region = (0.5 - s.roi_width / 2, 0.5 + s.roi_width / 2, 0.5 - s.roi_height / 2, 0.5 + s.roi_height / 2)
    limit = config.perception.max_distance_m
    rows: dict[str, list] = {k: [] for k in ("left", "stereo", "depth", "label", "obstacle")}
    with SimDrone(config, seed=seed) as drone:

        def record(observation, truth) -> None:
            if len(rows["left"]) >= frames:
                return
            rows["left"].append(observation.left)
            if observation.right is None:  # no stereo (sim.realism.stereo_lost): no label, as in flight
                rows["stereo"].append(np.nan)
                rows["depth"].append(np.full(observation.left.shape, np.nan, np.float32))
            else:
                reading = stereo.read(observation.left, observation.right)
                rows["stereo"].append(np.nan if reading.distance_m is None else reading.distance_m)
                rows["depth"].append(reading.depth_m)
            ideal = stereo.ideal_distance(truth.depth)
            rows["label"].append(np.nan if ideal is None else ideal)
            nearest = drone.rig.nearest_in_view(truth.depth, truth.obstacle_mask, region)
            rows["obstacle"].append(min(nearest, limit))
            if on_frame is not None:
                on_frame()

        fly_scripted(drone, (frames + 5) / config.sim.camera_hz, record)
    return Frames(
        np.stack(rows["left"]),
        np.array(rows["stereo"]),
        np.stack(rows["depth"]).astype(np.float32),
        np.array(rows["label"]),
        np.array(rows["obstacle"]),
    )


def fly_rooms(config: Config, seeds: list[int], frames: int, on_frame: Callable[[], None] | None = None) -> Frames:
    """`frames` in all, split evenly over the rooms of `seeds` (textures, obstacles and lighting differ)."""
    shares = np.diff(np.linspace(0, frames, len(seeds) + 1).round().astype(int))
    flights = [fly_frames(config, seed, int(n), on_frame) for seed, n in zip(seeds, shares, strict=True) if n > 0]
    return Frames(*(np.concatenate([getattr(f, k.name) for f in flights]) for k in dataclasses.fields(Frames)))
