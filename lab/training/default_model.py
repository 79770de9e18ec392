"""Train the shipped monocular CNN offline on stereo-labelled frames of many randomised simulated rooms."""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl_app.config import Config
from drone_ssl_lab.bench.mono import mono_accuracy
from drone_ssl_lab.data.frame_sets import fly_rooms
from drone_ssl_lab.training.offline import fit_cnn, predict_all


@dataclass(frozen=True)
class TrainingPlan:
    train_seeds: list[int]
    test_seeds: list[int]
    train_frames: int
    test_frames: int
    epochs: int
    seed: int = 0


def train_default_model(
    config: Config, plan: TrainingPlan, out: Path, command: str, progress: Callable[[str], None]
) -> dict:
    """Fly the rooms, train on stereo labels only (self-supervised, like the drone), test on unseen rooms,
    write the checkpoint and a metadata JSON beside it; returns the metadata."""
    with tqdm(total=plan.train_frames, desc=f"training frames, {len(plan.train_seeds)} rooms", unit="frame") as bar:
        train = fly_rooms(config, plan.train_seeds, plan.train_frames, bar.update)
    with tqdm(total=plan.test_frames, desc=f"test frames, {len(plan.test_seeds)} unseen rooms", unit="frame") as bar:
        test = fly_rooms(config, plan.test_seeds, plan.test_frames, bar.update)
    height, width = train.left.shape[1:]
    torch.set_num_threads(config.learner.torch_threads)
    trainer = CnnTrainer(config.perception, width, height, seed=plan.seed)
    total = plan.epochs * -(-len(train.left) // trainer.config.batch_size)
    with tqdm(total=total, desc=f"training, {plan.epochs} epochs", unit="step") as bar:
        rng = np.random.default_rng(plan.seed)
        steps = fit_cnn(trainer, train.left, train.stereo_m, train.stereo_depth, plan.epochs, rng, on_step=bar.update)
    progress("testing on the unseen rooms")
    estimator = CnnEstimator(trainer.export_onnx(), trainer.metadata(), config.perception)
    try:
        predicted = predict_all(estimator, test.left)
    finally:
        estimator.close()
    accuracy = mono_accuracy(
        predicted, test.truth_label_m, test.stereo_m, test.truth_obstacle_m, config.perception.avoid_distance_m
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.save(out)
    metadata = {
        "model": out.name,
        "command": command,
        "labels": "stereo only (self-supervised); ground truth used for the test figures alone",
        "train_rooms": plan.train_seeds,
        "test_rooms": plan.test_seeds,
        "train_frames": int(len(train.left)),
        "test_frames": int(len(test.left)),
        "epochs": plan.epochs,
        "gradient_steps": steps,
        "camera": {"width": width, "height": height},
        "test_accuracy": accuracy,
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
    out.with_suffix(".json").write_text(json.dumps(metadata, indent=2, default=float) + "\n")
    return metadata
