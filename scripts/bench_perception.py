"""`bench.py perception`: stereo and mono speed, and their accuracy on simulated flights against ground truth."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from dataclasses import dataclass

import numpy as np
import torch

from drone_ssl.cli import config_from_args
from drone_ssl.config import Config
from drone_ssl.mono.benchmark import cnn_speed, mono_accuracy, texton_speed
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl.mono.offline import fit_cnn, fit_textons, predict_all
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl.stereo.benchmark import label_accuracy, matching_ms
from drone_ssl.stereo.labeler import StereoLabeler
from sim.scripted_flight import fly_scripted
from sim.sim_drone import SimDrone

RESOLUTIONS = ((128, 96), (320, 240), (640, 480))


@dataclass
class Frames:
    """Simulated frames with what stereo said and what the simulator knows."""

    left: np.ndarray  # (N, H, W) uint8
    stereo_m: np.ndarray  # (N,) stereo label, NaN = none
    stereo_depth: np.ndarray  # (N, H, W) float32, NaN invalid
    truth_label_m: np.ndarray  # (N,) the label definition applied to the true depth
    truth_obstacle_m: np.ndarray  # (N,) nearest wall/obstacle pixel in the central region (floor excluded)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "perception", help="stereo/CNN/texton speed; stereo and mono accuracy on simulated flights"
    )
    parser.add_argument("--train-frames", type=int, default=1000, help="simulated frames the mono estimators learn")
    parser.add_argument("--train-rooms", type=int, default=5, help="rooms (seeds) the training frames come from")
    parser.add_argument("--test-frames", type=int, default=300, help="frames of two other rooms to test on")
    parser.add_argument("--epochs", type=int, default=15, help="CNN passes over the training frames")
    parser.add_argument("--repeats", type=int, default=200, help="timed repetitions per speed figure")
    parser.add_argument("--speed-only", action="store_true", help="skip the simulated accuracy figures")
    parser.set_defaults(run=run)
    return parser


def at_resolution(config: Config, width: int, height: int) -> Config:
    return dataclasses.replace(config, camera=dataclasses.replace(config.camera, width=width, height=height))


def one_frame(config: Config) -> tuple[np.ndarray, np.ndarray]:
    with SimDrone(config) as drone:
        drone.takeoff()
        observation = drone.read()
    return observation.left, observation.right


def fly(config: Config, seed: int, frames: int) -> Frames:
    """A scripted flight (ground-truth avoidance) of `frames` camera frames in the room of `seed`."""
    stereo = StereoLabeler.ideal(config.camera, config.perception)
    s = config.perception.stereo
    region = (0.5 - s.roi_width / 2, 0.5 + s.roi_width / 2, 0.5 - s.roi_height / 2, 0.5 + s.roi_height / 2)
    limit = config.perception.max_distance_m
    rows: dict[str, list] = {k: [] for k in ("left", "stereo", "depth", "label", "obstacle")}
    with SimDrone(config, seed=seed) as drone:

        def record(observation, truth) -> None:
            if len(rows["left"]) >= frames:
                return
            reading = stereo.read(observation.left, observation.right)
            rows["left"].append(observation.left)
            rows["stereo"].append(np.nan if reading.distance_m is None else reading.distance_m)
            rows["depth"].append(reading.depth_m)
            ideal = stereo.ideal_distance(truth.depth)
            rows["label"].append(np.nan if ideal is None else ideal)
            nearest = drone.rig.nearest_in_view(truth.depth, truth.obstacle_mask, region)
            rows["obstacle"].append(min(nearest, limit))

        fly_scripted(drone, (frames + 5) / config.sim.camera_hz, record)
    return Frames(
        np.stack(rows["left"]),
        np.array(rows["stereo"]),
        np.stack(rows["depth"]).astype(np.float32),
        np.array(rows["label"]),
        np.array(rows["obstacle"]),
    )


def fly_rooms(config: Config, seeds: list[int], frames: int) -> Frames:
    """`frames` in all, split evenly over the rooms of `seeds` (textures, obstacles and lighting differ)."""
    shares = np.diff(np.linspace(0, frames, len(seeds) + 1).round().astype(int))
    flights = [fly(config, seed, int(n)) for seed, n in zip(seeds, shares, strict=True) if n > 0]
    return Frames(*(np.concatenate([getattr(f, k.name) for f in flights]) for k in dataclasses.fields(Frames)))


def speed(config: Config, repeats: int, frames: Frames | None, progress) -> dict:
    out: dict = {"stereo_rectify_match_ms": {}}
    for width, height in RESOLUTIONS:
        progress(f"stereo speed {width}x{height}")
        cfg = at_resolution(config, width, height)
        left, right = one_frame(cfg)
        calibration = StereoLabeler.ideal(cfg.camera, cfg.perception).rectifier.calibration
        scaled = max(10, repeats // round(width * height / (128 * 96)))
        out["stereo_rectify_match_ms"][f"{width}x{height}"] = matching_ms(
            left, right, calibration, cfg.perception, scaled
        )
    if frames is None:
        progress("frames for mono speed")
        frames = fly(config, config.sim.seed, 64)
    progress("CNN speed")
    out["cnn"] = cnn_speed(config.perception, frames.left, frames.stereo_m, frames.stereo_depth, repeats)
    progress("texton speed")
    out["textons"] = texton_speed(config.perception, frames.left, repeats)
    return out


def accuracy(config: Config, train: Frames, test: Frames, epochs: int, progress) -> dict:
    avoid = config.perception.avoid_distance_m
    height, width = train.left.shape[1:]
    out = {
        "avoid_distance_m": avoid,
        "train_frames": len(train.left),
        "test_frames": len(test.left),
        "stereo": label_accuracy(
            np.concatenate([train.stereo_m, test.stereo_m]),
            np.concatenate([train.truth_label_m, test.truth_label_m]),
            np.concatenate([train.truth_obstacle_m, test.truth_obstacle_m]),
            avoid,
        ),
    }
    progress(f"CNN: {epochs} epochs on {len(train.left)} frames")
    torch.manual_seed(config.sim.seed)
    trainer = CnnTrainer(config.perception, width, height, seed=config.sim.seed)
    fit_cnn(trainer, train.left, train.stereo_m, train.stereo_depth, epochs, np.random.default_rng(config.sim.seed))
    cnn = CnnEstimator(trainer.export_onnx(), trainer.metadata(), config.perception)
    predicted = predict_all(cnn, test.left)
    cnn.close()
    out["cnn"] = mono_accuracy(predicted, test.truth_label_m, test.stereo_m, test.truth_obstacle_m, avoid)
    progress("textons: fill the ring buffer")
    textons = TextonKnnEstimator(config.perception)
    fit_textons(textons, train.left, train.stereo_m)
    predicted = predict_all(textons, test.left)
    out["textons"] = mono_accuracy(predicted, test.truth_label_m, test.stereo_m, test.truth_obstacle_m, avoid)
    return out


def run(args: argparse.Namespace) -> dict:
    config = config_from_args(args)

    def progress(text: str) -> None:
        print(f"... {text}", file=sys.stderr)

    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews every timing: report it
    train = test = None
    if not args.speed_only:
        seeds = [config.sim.seed + i for i in range(max(1, args.train_rooms))]
        progress(f"flying {args.train_frames} training frames in rooms {seeds}")
        train = fly_rooms(config, seeds, args.train_frames)
        seeds = [config.sim.seed + 1000, config.sim.seed + 1001]
        progress(f"flying {args.test_frames} test frames in rooms {seeds}")
        test = fly_rooms(config, seeds, args.test_frames)
    figures = {
        "machine": {"cpus": os.cpu_count(), "load_average_1min_at_start": load_before},
        "speed": speed(config, args.repeats, train, progress),
    }
    if train is not None and test is not None:
        figures["accuracy"] = accuracy(config, train, test, args.epochs, progress)
    figures["machine"]["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    return figures
