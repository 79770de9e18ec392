"""Synthetic monocular data: a textured wall whose texture scale in the image shrinks with its distance."""

from __future__ import annotations

import cv2
import numpy as np


def wall_image(distance_m: float, rng: np.random.Generator, width: int = 128, height: int = 96) -> np.ndarray:
    """Random blobs of a fixed physical size: nearer walls show bigger blobs, as in a perspective camera."""
    blob_px = max(1.0, 12.0 / distance_m)
    small = rng.uniform(0, 255, (int(height / blob_px) + 2, int(width / blob_px) + 2)).astype(np.float32)
    size = (int(small.shape[1] * blob_px) + 1, int(small.shape[0] * blob_px) + 1)
    big = cv2.resize(small, size, interpolation=cv2.INTER_CUBIC)
    return np.clip(big[:height, :width], 0, 255).astype(np.uint8)


def wall_set(count: int, seed: int = 0, lo: float = 0.5, hi: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """`count` wall images at log-uniform distances in [lo, hi] m, and those distances."""
    rng = np.random.default_rng(seed)
    distances = np.exp(rng.uniform(np.log(lo), np.log(hi), count))
    return np.stack([wall_image(d, rng) for d in distances]), distances
