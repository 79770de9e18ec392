"""Synthetic stereo pairs with known disparities: textured layers shifted with sub-pixel accuracy."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import pytest

Layer = tuple[float, tuple[int, int, int, int] | None]  # (disparity px, (x0, x1, y0, y1) in the left image or None)


def render_pair(width: int, height: int, layers: Sequence[Layer], seed: int = 0, scale: int = 4):
    """(left, right) uint8 images; layers are painted back to front, each a fronto-parallel textured plane."""
    rng = np.random.default_rng(seed)
    W, H = width * scale, height * scale
    shifts = [round(d * scale) for d, _ in layers]
    left = np.zeros((H, W), np.float32)
    right = np.zeros((H, W), np.float32)
    for (_, region), D in zip(layers, shifts, strict=True):
        texture = rng.uniform(0, 255, (H, W + 2 * D + 1)).astype(np.float32)
        texture = cv2.GaussianBlur(texture, (0, 0), scale * 0.8)
        texture = (texture - texture.mean()) * (90.0 / texture.std()) + 128
        x0, x1, y0, y1 = (0, width, 0, height) if region is None else region
        X0, X1, Y0, Y1 = x0 * scale, x1 * scale, y0 * scale, y1 * scale
        left[Y0:Y1, X0:X1] = texture[Y0:Y1, X0 + D : X1 + D]
        R0, R1 = max(0, X0 - D), max(0, X1 - D)
        right[Y0:Y1, R0:R1] = texture[Y0:Y1, R0 + 2 * D : R1 + 2 * D]
    down = [cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA) for img in (left, right)]
    return tuple(np.clip(img, 0, 255).round().astype(np.uint8) for img in down)


@pytest.fixture(scope="session")
def pair():
    return render_pair
