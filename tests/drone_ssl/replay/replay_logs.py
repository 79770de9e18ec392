"""Tiny flight logs for the replay tests: a wall whose texture scale gives away its distance (so a CNN can learn
it in seconds), logged with the pilot's decisions, training-wheel overrides, collisions and ground truth."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from drone_ssl.arbiter import Decision, Phase
from drone_ssl.arbiter.events import OverrideEvent, PhaseSwitch
from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.learner.metrics import ValidationMetrics
from drone_ssl.mono.reading import MonoReading
from drone_ssl.stereo.reading import StereoReading
from drone_ssl.types import Command, DroneState, Observation

WIDTH, HEIGHT = 64, 48
RATE_HZ = 10.0
CONFIG_YAML = "perception:\n  avoid_distance_m: 1.2\nsim:\n  camera_hz: 10.0\n  room:\n    size_m: 5.0\n"


def wall(distance_m: float, rng: np.random.Generator) -> np.ndarray:
    """Blobs of a fixed physical size: the nearer the wall, the bigger they look."""
    blob = max(1.0, 8.0 / distance_m)
    small = rng.uniform(0, 255, (int(HEIGHT / blob) + 2, int(WIDTH / blob) + 2)).astype(np.float32)
    big = cv2.resize(small, (int(small.shape[1] * blob) + 1, int(small.shape[0] * blob) + 1))
    return np.clip(big[:HEIGHT, :WIDTH], 0, 255).astype(np.uint8)


def distances(frames: int, seed: int) -> np.ndarray:
    """A flight's distances ahead: log-uniform between 0.5 and 5 m."""
    return np.exp(np.random.default_rng(seed).uniform(math.log(0.5), math.log(5.0), frames))


def write_log(
    path: Path,
    frames: int = 40,
    seed: int = 0,
    *,
    depth_maps: bool = True,
    labels: Callable[[int, float], float | None] = lambda i, d: d,
    mono_m: Callable[[int, float], float] = lambda i, d: 2.0,
    phase: Phase = Phase.STEREO,
    overrides_at: Sequence[int] = (),
    collision_at: int | None = None,
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> np.ndarray:
    """Write a flight of `frames` frames; returns the true distances. `labels` gives the stereo label of frame i
    (None: unlabelled), `mono_m` what mono said; frames in `overrides_at` start a training-wheel override."""
    rng = np.random.default_rng(seed + 1000)
    truth = distances(frames, seed)
    width, height = size
    with FlightLogWriter(path, CONFIG_YAML, {"mono": "test"}, {"seed": seed}, depth_maps=depth_maps) as log:
        if collision_at is None:
            collision_at = -1
        for i, d in enumerate(truth):
            t = 1.0 + i / RATE_HZ
            left = cv2.resize(wall(d, rng), (width, height)) if size != (WIDTH, HEIGHT) else wall(d, rng)
            label = labels(i, float(d))
            depth = np.full((height, width), np.nan if label is None else label, np.float32)
            stereo = StereoReading(depth, depth, label, 0.9, np.full(4, d, np.float32), True)
            mono = MonoReading(mono_m(i, float(d)), 0.8)
            state = DroneState((0.1 * i, 0.0, 1.0), (0.3, 0.0, 0.0), (0.0, 0.0, 0.0), 1.0, 90.0, True)
            override = OverrideEvent(t, d, mono.distance_m, 1.2, 3.0) if i in overrides_at else None
            switch = PhaseSwitch(t, Phase.STEREO, phase, "test") if i == 0 and phase is not Phase.STEREO else None
            cue = "stereo" if phase is Phase.STEREO or override else "mono"
            decision = Decision(t, phase, cue, d < 1.2, d, None, 1.2, override is not None, override, switch)
            log.log_frame(Observation(t, left, left, state), stereo, mono, decision, Command(pitch=-0.2),
                          {"nearest_ahead_m": d * 0.9, "collisions": int(i >= collision_at >= 0)})  # fmt: skip
            if override is not None:
                log.log_override(t, override)
            if switch is not None:
                log.log_phase_switch(t, switch)
            if i == collision_at:
                log.log_collision(t, {"collisions": 1, "phase": phase.value})
            if i == frames // 2:
                log.log_learner(t, ValidationMetrics(t, 1, 20, 5, 0.5, 0.1, 0.8, 0.95, 0.3, 1.5))
    return truth
