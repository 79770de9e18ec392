"""Texton dictionaries (k-means on 5x5 intensity and gradient patches) and the paper's texton-histogram features."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from drone_ssl.config.perception import TextonConfig
from drone_ssl.errors import DroneSSLError
from drone_ssl.mono.kmeans import kmeans, squared_distances
from drone_ssl.vision.image_input import as_gray_u8


def gradient_image(image: np.ndarray) -> np.ndarray:
    """|dI/dx| + |dI/dy| in grey levels per pixel, the image gradient textons are learned on."""
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)
    return (np.abs(gx) + np.abs(gy)) / 8.0


def grid_patches(image: np.ndarray, patch: int, grid: int) -> np.ndarray:
    """(grid*grid, patch*patch) patches on an evenly spaced lattice covering the image."""
    h, w = image.shape
    if h < patch or w < patch:
        raise DroneSSLError(f"a {w}x{h} image is smaller than the {patch}x{patch} texton patch")
    windows = sliding_window_view(image, (patch, patch))
    ys = np.linspace(0, h - patch, grid).round().astype(int)
    xs = np.linspace(0, w - patch, grid).round().astype(int)
    return windows[ys][:, xs].reshape(grid * grid, patch * patch).astype(np.float32)


def random_patches(image: np.ndarray, patch: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """(count, patch*patch) patches at random positions."""
    windows = sliding_window_view(image, (patch, patch))
    ys = rng.integers(0, windows.shape[0], count)
    xs = rng.integers(0, windows.shape[1], count)
    return windows[ys, xs].reshape(count, patch * patch).astype(np.float32)


def _histogram(patches: np.ndarray, textons: np.ndarray) -> np.ndarray:
    nearest = squared_distances(patches, textons).argmin(1)
    return np.bincount(nearest, minlength=len(textons)).astype(np.float32) / len(patches)


@dataclass(frozen=True)
class TextonDictionary:
    """Intensity and gradient textons; `features` gives both normalised histograms plus their entropy."""

    intensity: np.ndarray  # (k_i, patch*patch)
    gradient: np.ndarray  # (k_g, patch*patch), possibly (0, patch*patch)
    patch_px: int
    grid: int

    @classmethod
    def learn(cls, images: Sequence[np.ndarray], config: TextonConfig) -> TextonDictionary:
        """k-means on `config.dictionary_patches` random patches drawn evenly from `images`."""
        if not images:
            raise DroneSSLError("learning a texton dictionary needs at least one image")
        rng = np.random.default_rng(config.seed)
        grays = [as_gray_u8(image, "texton image") for image in images]
        per_image = max(1, config.dictionary_patches // len(grays))
        p = config.patch_px
        intensity = np.concatenate([random_patches(g, p, per_image, rng) for g in grays])
        textons_i = kmeans(intensity, config.intensity_textons, rng)
        textons_g = np.zeros((0, p * p), dtype=np.float32)
        if config.gradient_textons:
            gradient = np.concatenate([random_patches(gradient_image(g), p, per_image, rng) for g in grays])
            textons_g = kmeans(gradient, config.gradient_textons, rng)
        return cls(textons_i, textons_g, p, config.grid)

    @property
    def size(self) -> int:
        """Length of a feature vector."""
        return len(self.intensity) + len(self.gradient) + 1

    def features(self, image: np.ndarray) -> np.ndarray:
        """Texton histograms of a grid of patches (each sums to 1) and their normalised entropy in [0, 1]."""
        hist = [_histogram(grid_patches(image, self.patch_px, self.grid), self.intensity)]
        if len(self.gradient):
            hist.append(_histogram(grid_patches(gradient_image(image), self.patch_px, self.grid), self.gradient))
        joint = np.concatenate(hist)
        share = joint[joint > 0] / joint.sum()
        entropy = float(-(share * np.log(share)).sum() / np.log(len(joint))) if len(joint) > 1 else 0.0
        return np.append(joint, np.float32(entropy)).astype(np.float32)
