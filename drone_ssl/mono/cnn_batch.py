"""Turn (left images, stereo labels, stereo depth) into CNN training tensors, with label-preserving augmentation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional

from drone_ssl.config.perception import AugmentConfig
from drone_ssl.vision.image_input import ImageInputError


@dataclass
class Batch:
    images: torch.Tensor  # (B, 1, H, W) float32 grey levels
    log_distance: torch.Tensor  # (B,) NaN-free; only meaningful where has_distance
    has_distance: torch.Tensor  # (B,) bool
    log_depth: torch.Tensor  # (B, h, w) coarse cell targets
    depth_weight: torch.Tensor  # (B, h, w) 1 where the cell has enough valid stereo pixels, else 0


def make_batch(
    images: np.ndarray,
    distances_m: np.ndarray,
    depth_m: np.ndarray | None,
    grid: tuple[int, int],
    limits: tuple[float, float],
    min_valid: float,
    mask: np.ndarray | None = None,
) -> Batch:
    """Check and convert one batch. NaN distances are unlabelled frames; depth NaN, <= 0 or masked out is
    unknown, inf depth (zero disparity) is "far" and counts as the maximum distance."""
    images = np.asarray(images)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise ImageInputError(f"training images must be (B, H, W) uint8, got {images.dtype} {images.shape}")
    b, h, w = images.shape
    distances = np.asarray(distances_m, dtype=np.float64).reshape(-1)
    if distances.shape != (b,):
        raise ImageInputError(f"expected {b} distances (NaN for no label), got {distances.shape}")
    lo, hi = limits
    has = np.isfinite(distances) & (distances > 0)
    log_distance = np.log(np.clip(np.where(has, distances, 1.0), lo, hi))
    rows, cols = grid
    if depth_m is None:
        target = torch.zeros(b, rows, cols)
        weight = torch.zeros(b, rows, cols)
    else:
        depth = np.asarray(depth_m, dtype=np.float32)
        if depth.shape != images.shape:
            raise ImageInputError(f"stereo depth must be {images.shape} like the images, got {depth.shape}")
        known = ~np.isnan(depth) & (depth > 0)  # zero or negative depth is no measurement
        if mask is not None:
            known &= np.asarray(mask, dtype=bool)
        target, weight = _coarse_log_depth(depth, known, (h // rows, w // cols), limits, min_valid)
    return Batch(
        images=torch.from_numpy(images).float().unsqueeze(1),
        log_distance=torch.from_numpy(log_distance).float(),
        has_distance=torch.from_numpy(has),
        log_depth=target,
        depth_weight=weight,
    )


def _coarse_log_depth(
    depth: np.ndarray, known: np.ndarray, cell: tuple[int, int], limits: tuple[float, float], min_valid: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean log depth of the known pixels in each cell; cells with too few known pixels get weight 0."""
    lo, hi = limits
    log_depth = np.log(np.clip(np.where(known, depth, 1.0), lo, hi)).astype(np.float32)
    known_t = torch.from_numpy(known.astype(np.float32)).unsqueeze(1)
    log_t = torch.from_numpy(log_depth).unsqueeze(1) * known_t
    share = functional.avg_pool2d(known_t, cell)[:, 0]
    mean = functional.avg_pool2d(log_t, cell)[:, 0] / share.clamp_min(1e-6)
    weight = (share >= max(min_valid, 1e-6)).float()
    return mean * weight, weight


def augment(batch: Batch, config: AugmentConfig, generator: torch.Generator) -> Batch:
    """Photometric changes, horizontal flips and zooms. A flip mirrors the depth target with the image and
    keeps the distance ahead (the region is centred); a zoom by z is what a pinhole camera sees from z times
    nearer, so it divides the distance and depth targets by z."""
    batch = _photometric_and_flip(batch, config, generator)
    return _zoom(batch, config.zoom, generator) if config.zoom > 1.0 else batch


def _zoom(batch: Batch, max_zoom: float, generator: torch.Generator) -> Batch:
    """Half the batch zoomed in about the centre by a uniform factor in [1, max_zoom]. Texture scale and where
    an obstacle meets the floor (at a held altitude) both move as if the camera were that much nearer; depth
    cells that would mix known and unknown stereo cells drop out of the loss."""
    b = batch.images.shape[0]
    zoom = 1 + torch.rand(b, generator=generator) * (max_zoom - 1)
    zoom = torch.where(torch.rand(b, generator=generator) < 0.5, torch.ones_like(zoom), zoom)
    shrink = (1 / zoom)[:, None, None, None]
    images = functional.grid_sample(
        batch.images, _centre_grid(*batch.images.shape[-2:]) * shrink, mode="bilinear", align_corners=False
    )
    log_zoom = torch.log(zoom)
    weight = batch.depth_weight.unsqueeze(1)
    cells = _centre_grid(*weight.shape[-2:]) * shrink
    known = functional.grid_sample(weight, cells, mode="bilinear", align_corners=False)
    depth = functional.grid_sample(batch.log_depth.unsqueeze(1) * weight, cells, mode="bilinear", align_corners=False)
    keep = (known > 0.999).float()
    log_depth = (depth / known.clamp_min(1e-6) - log_zoom[:, None, None, None]) * keep
    return Batch(images, batch.log_distance - log_zoom, batch.has_distance, log_depth[:, 0], keep[:, 0])


def _centre_grid(height: int, width: int) -> torch.Tensor:
    """grid_sample's (1, H, W, 2) identity grid (pixel centres, align_corners=False): scaling it zooms about the
    centre; cheaper than affine_grid for a pure scale."""
    ys = (torch.arange(height, dtype=torch.float32) * 2 + 1) / height - 1
    xs = (torch.arange(width, dtype=torch.float32) * 2 + 1) / width - 1
    return torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1)[None]


def _photometric_and_flip(batch: Batch, config: AugmentConfig, generator: torch.Generator) -> Batch:
    """Brightness, contrast and noise (the label stays), and horizontal flips (the depth target flips too)."""
    images = batch.images
    b = images.shape[0]

    def uniform(scale: float) -> torch.Tensor:
        return (torch.rand(b, 1, 1, 1, generator=generator) * 2 - 1) * scale

    mean = images.mean(dim=(2, 3), keepdim=True)
    images = (images - mean) * (1 + uniform(config.contrast)) + mean + uniform(config.brightness) * 255
    if config.noise_std > 0:
        images = images + torch.randn(images.shape, generator=generator) * config.noise_std
    images = images.clamp(0, 255)
    log_depth, weight = batch.log_depth, batch.depth_weight
    if config.flip:
        flip = torch.rand(b, generator=generator) < 0.5
        log_depth, weight = log_depth.clone(), weight.clone()
        images[flip] = images[flip].flip(-1)  # `images` is already a fresh tensor here
        log_depth[flip] = log_depth[flip].flip(-1)
        weight[flip] = weight[flip].flip(-1)
    return Batch(images, batch.log_distance, batch.has_distance, log_depth, weight)
