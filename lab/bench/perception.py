"""`bench.py perception`: stereo and mono speed, and their accuracy on simulated flights against ground truth."""

from __future__ import annotations

import argparse
import dataclasses
import sys

import numpy as np
import torch

from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.cli import config_from_args
from drone_ssl_app.config import Config
from drone_ssl_lab.bench.mono import cnn_speed, mono_accuracy, texton_speed
from drone_ssl_lab.bench.stereo import label_accuracy, matching_ms
from drone_ssl_lab.bench.stereo_real import real_figures
from drone_ssl_lab.data.frame_sets import Frames, fly_frames, fly_rooms
from drone_ssl_lab.training.offline import fit_cnn, fit_textons, predict_all
from drone_ssl_sim.sim_drone import SimDrone

RESOLUTIONS = ((128, 96), (320, 240), (640, 480))


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
    parser.add_argument("--real-scenes", type=int, default=12, help="scenes warped from real photographs (0: none)")
    parser.add_argument("--skip-real", action="store_true", help="skip stereo on real images with ground truth")
    parser.set_defaults(run=run)
    return parser


def at_resolution(config: Config, width: int, height: int) -> Config:
    return dataclasses.replace(config, camera=dataclasses.replace(config.camera, width=width, height=height))


def one_frame(config: Config) -> tuple[np.ndarray, np.ndarray]:
    with SimDrone(config) as drone:
        drone.takeoff()
        observation = drone.read()
    return observation.left, observation.right


def speed(config: Config, repeats: int, frames: Frames | None, progress) -> dict:
    out: dict = {"stereo_rectify_match_label_ms_one_core": {}}
    for width, height in RESOLUTIONS:
        progress(f"stereo speed {width}x{height}")
        cfg = at_resolution(config, width, height)
        left, right = one_frame(cfg)
        calibration = StereoLabeler.ideal(cfg.camera, cfg.perception).rectifier.calibration
        scaled = max(10, repeats // round(width * height / (128 * 96)))
        out["stereo_rectify_match_label_ms_one_core"][f"{width}x{height}"] = matching_ms(
            left, right, calibration, cfg.perception, scaled
        )
    if frames is None:
        progress("frames for mono speed")
        frames = fly_frames(config, config.sim.seed, 64)
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

    train = test = None
    if not args.speed_only:
        seeds = [config.sim.seed + i for i in range(max(1, args.train_rooms))]
        progress(f"flying {args.train_frames} training frames in rooms {seeds}")
        train = fly_rooms(config, seeds, args.train_frames)
        seeds = [config.sim.seed + 1000, config.sim.seed + 1001]
        progress(f"flying {args.test_frames} test frames in rooms {seeds}")
        test = fly_rooms(config, seeds, args.test_frames)
    figures = {
        "speed": speed(config, args.repeats, train, progress),
    }
    if not args.skip_real:
        figures["stereo_real_images"] = real_figures(config.perception, args.real_scenes, progress)
    if train is not None and test is not None:
        figures["accuracy"] = accuracy(config, train, test, args.epochs, progress)
    return figures
