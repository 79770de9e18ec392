"""Offline retraining throughput: samples/s streamed from logs with one process and with two DDP processes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.replay.retrain.cnn_retrain import retrain_cnn
from drone_ssl.replay.retrain.distributed import DistContext
from drone_ssl.replay.retrain.local_launch import launch_local
from drone_ssl.replay.retrain.retrain_options import RetrainOptions, RetrainResult
from drone_ssl_lab.data.synthetic_log import synthetic_flight

VALIDATION_FRAMES = 50  # validation is not timed; a short held-out log keeps the benchmark quick


def write_logs(folder: Path, frames: int, count: int, width: int, height: int) -> list[Path]:
    """`count` synthetic flights of `frames` frames with stereo depth maps (as flights log them by default)."""
    paths = []
    for seed in range(count):
        path = folder / f"flight{seed}.mcap"
        n = frames if seed < count - 1 else VALIDATION_FRAMES
        with FlightLogWriter(path, "benchmark: true\n", {}, {"seed": seed}, depth_maps=True) as log:
            for f in synthetic_flight(n, width, height, seed=seed):
                log.log_frame(f.observation, f.stereo, f.mono, f.decision, f.command, f.ground_truth)
        paths.append(path)
    return paths


def _figures(result: RetrainResult) -> dict:
    return {
        "samples_per_s": round(result.samples_per_s, 1),
        "samples": result.samples,
        "steps": result.steps,
        "train_seconds": round(result.train_seconds, 2),
        "threads_per_process": result.threads,
        "loader_workers_per_process": result.workers,
    }


def run(
    perception: PerceptionConfig,
    frames_per_log: int = 1000,
    train_logs: int = 2,
    epochs: int = 2,
    workers: int = 1,
    batch_size: int = 64,
    width: int = 128,
    height: int = 96,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Retraining samples/s (validation and checkpoints excluded) with 1 process and with 2 DDP processes on
    gloo, over the same synthetic logs; JSON-ready."""
    with tempfile.TemporaryDirectory(prefix="retrain-bench-") as tmp:
        folder = Path(tmp)
        progress(f"writing {train_logs} logs of {frames_per_log} frames at {width}x{height}")
        *logs, val = write_logs(folder, frames_per_log, train_logs + 1, width, height)

        def options(name: str) -> RetrainOptions:
            return RetrainOptions(
                logs=tuple(logs), val_logs=(val,), out=folder / name, epochs=epochs, batch_size=batch_size,
                workers=workers, checkpoint_every=10**9, progress=False,
            )  # fmt: skip

        progress("retraining in 1 process")
        one = retrain_cnn(DistContext(), options("one"), perception)
        progress("retraining in 2 DDP processes (gloo)")
        two = launch_local(retrain_cnn, 2, (options("two"), perception), timeout_s=1200)
    return {
        "logs": train_logs,
        "frames_per_log": frames_per_log,
        "resolution": f"{width}x{height}",
        "epochs": epochs,
        "batch_size": batch_size,
        "cpus": os.cpu_count(),
        "one_process": _figures(one),
        "two_processes": _figures(two),
        "speedup_two_vs_one": round(two.samples_per_s / one.samples_per_s, 2),
    }
