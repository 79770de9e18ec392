"""A deterministic synthetic flight (textured stereo frames, readings, decisions) to test and benchmark the log."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from drone_ssl.arbiter import Decision, Phase
from drone_ssl.mono.reading import MonoReading
from drone_ssl.stereo.reading import StereoReading
from drone_ssl.types import Command, DroneState, Observation

PROFILE_BANDS = 8
FOCAL_BASELINE = 60.0 * 0.06  # px·m: a 128 px wide, ~90° camera pair with a 6 cm baseline
PHASES = (Phase.STEREO, Phase.MONO, Phase.MONO_ONLY)


@dataclass(frozen=True)
class SyntheticFrame:
    observation: Observation
    stereo: StereoReading | None  # None on the frames without a right image
    mono: MonoReading
    decision: Decision
    command: Command
    ground_truth: dict


def panorama(width: int, height: int, seed: int) -> np.ndarray:
    """A wide textured strip, several octaves of blurred noise: compresses like a rendered room, not like noise."""
    rng = np.random.default_rng(seed)
    strip = np.zeros((height, width), np.float32)
    for sigma, weight in ((12.0, 1.0), (4.0, 0.5), (1.0, 0.25)):
        strip += weight * cv2.GaussianBlur(rng.standard_normal((height, width)).astype(np.float32), (0, 0), sigma)
    strip = (strip - strip.mean()) / strip.std()
    return np.clip(128 + 45 * strip, 0, 255).astype(np.uint8)


def stereo_disparity(rng: np.random.Generator, width: int, height: int, obstacle_px: float) -> np.ndarray:
    """A matcher-like disparity map: floor nearer towards the bottom, a far wall, an obstacle in the middle,
    1/16 px steps with matching noise, holes where matching failed and a few zero (infinitely far) matches."""
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    disparity = np.broadcast_to(0.5 + 4.0 * np.clip(rows - 0.5, 0.0, None), (height, width)).copy()
    disparity[height // 4 : 3 * height // 4, width // 3 : 2 * width // 3] = obstacle_px
    disparity += rng.normal(0.0, 0.15, disparity.shape).astype(np.float32)
    disparity = np.round(np.maximum(disparity, 0.0) * 16) / 16
    disparity[rng.random(disparity.shape) < 0.1] = np.nan
    disparity[: height // 8] = np.nan
    disparity[-2:, :4] = 0.0
    return disparity.astype(np.float32)


def synthetic_flight(
    frames: int,
    width: int = 128,
    height: int = 96,
    rate_hz: float = 10.0,
    seed: int = 0,
    stereo_pairs: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> Iterator[SyntheticFrame]:
    """`frames` frames at `rate_hz` of flight time from t=0; every 25th lacks its right image, every 13th its label.

    The view pans across a textured strip with camera noise, or cycles through `stereo_pairs` when given (e.g.
    frames rendered by the simulator, for realistic log sizes).
    """
    rng = np.random.default_rng(seed)
    strip = panorama(width * 8, height, seed)
    for i in range(frames):
        t = i / rate_hz
        if stereo_pairs:
            left, right = stereo_pairs[i % len(stereo_pairs)]
        else:
            x = (3 * i) % (strip.shape[1] - width - 8)
            noise = rng.normal(0.0, 2.0, (2, height, width))
            left = np.clip(strip[:, x + 6 : x + 6 + width] + noise[0], 0, 255).astype(np.uint8)
            right = np.clip(strip[:, x : x + width] + noise[1], 0, 255).astype(np.uint8)
        has_right = i % 25 != 24
        distance = 0.6 + 3.4 * (0.5 + 0.5 * math.cos(0.05 * i))
        profile = (distance * (1.0 + 0.1 * np.arange(PROFILE_BANDS))).astype(np.float32)
        profile[i % PROFILE_BANDS] = np.nan
        disparity = stereo_disparity(rng, width, height, FOCAL_BASELINE / distance)
        with np.errstate(divide="ignore"):
            depth = np.where(disparity > 0, FOCAL_BASELINE / disparity, np.inf).astype(np.float32)
        stereo = StereoReading(
            disparity=disparity,
            depth_m=depth,
            distance_m=None if i % 13 == 12 else distance,
            valid_fraction=0.875,
            profile_m=profile,
            available=True,
        )
        state = DroneState(
            position=(0.1 * t, 0.02 * t, 1.0),
            velocity=(0.3, 0.0, 0.0),
            attitude=(0.0, -0.05, 0.1 * t),
            altitude=1.0,
            battery=100.0 - 0.1 * t,
            flying=True,
        )
        yield SyntheticFrame(
            observation=Observation(t, left, right if has_right else None, state),
            stereo=stereo if has_right else None,
            mono=MonoReading(distance_m=1.1 * distance, confidence=0.8, profile_m=profile * 1.1),
            decision=synthetic_decision(t, PHASES[(i // 50) % 3], distance, profile),
            command=Command(pitch=-0.2, yaw=0.5 if distance < 1.0 else 0.0),
            ground_truth={"distance_m": distance * 0.98, "nearest_obstacle": "pillar_2"},
        )


def synthetic_decision(t: float, phase: Phase, distance: float, profile: np.ndarray) -> Decision:
    """The arbiter's verdict a frame of this flight would carry: the flying cue, its distance and threshold."""
    cue = "stereo" if phase is Phase.STEREO else "mono"
    return Decision(t, phase, cue, distance < 1.2, distance, profile, 1.2, mono_ahead_m=1.1 * distance,
                    stereo_ahead_m=distance)  # fmt: skip
