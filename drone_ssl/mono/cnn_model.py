"""`MonoDepthNet`: a CPU-sized CNN from a grayscale image to log nearest distance, its error scale, coarse depth."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import torch
from torch import nn

from drone_ssl.errors import ConfigError

MIN_PIXEL_STD = 4.0  # grey levels: per-image normalisation never amplifies a nearly flat image beyond this
NORMALISATION = {"mode": "per_image", "min_std": MIN_PIXEL_STD}  # recorded in checkpoints, checked on load


class CnnShape(Protocol):
    """The architecture's arguments, as the configuration (`CnnConfig`) and a checkpoint's metadata both hold them."""

    @property
    def channels(self) -> Sequence[int]: ...

    @property
    def stem_px(self) -> int: ...


class MonoDepthNet(nn.Module):
    """A patchifying stem (`stem_px` x `stem_px`, stride `stem_px`) then stride-2 3x3 stages, each with batch
    norm; the coarse depth map comes from the second-last stage, the distance from a small dense head over the
    last stage, which keeps where in the image things are.

    Why this shape (measured in online learning from stereo, see the README): the stem sees every pixel's texture
    (the texture-scale cue to distance) at a quarter of the cost of full-resolution 3x3 stages, batch norm lets a
    high learning rate converge in a few hundred steps, and per-image normalisation removes each room's
    lighting before the first weight sees it.

    Input: (B, 1, H, W) float32 grey levels 0..255. Outputs: log distance (B,), log of the expected absolute
    log error (B,) (a Laplace scale, turned into a confidence), log depth (B, H/s, W/s), s = stem_px * 2^(n-2);
    H and W must be multiples of s.
    """

    def __init__(self, channels: Sequence[int], width: int, height: int, stem_px: int) -> None:
        super().__init__()
        stages = len(channels)
        if stages < 2:
            raise ConfigError("perception.cnn.channels", "needs at least 2 stages (one feeds the depth map)")
        if stem_px < 1:
            raise ConfigError("perception.cnn.stem_px", f"must be at least 1, got {stem_px}")
        step = stem_px * 2 ** (stages - 2)  # the depth map's cell: its targets are whole cells of the image
        if width % step or height % step:
            raise ConfigError(
                "camera.width",
                f"{width}x{height} must be a multiple of {step} for a {stem_px}-px stem and {stages} stages",
            )
        self.channels = tuple(int(c) for c in channels)
        self.width, self.height, self.stem_px = int(width), int(height), int(stem_px)
        self.stages = nn.ModuleList()
        previous = 1
        for i, out in enumerate(self.channels):
            kernel, stride, padding = (stem_px, stem_px, 0) if i == 0 else (3, 2, 1)
            conv = nn.Conv2d(previous, out, kernel, stride=stride, padding=padding, bias=False)
            self.stages.append(nn.Sequential(conv, nn.BatchNorm2d(out), nn.ReLU(inplace=True)))
            previous = out
        self.depth_head = nn.Conv2d(self.channels[-2], 1, 3, padding=1)
        flat = self.channels[-1] * -(-height // (2 * step)) * -(-width // (2 * step))  # the last, padded stage
        self.distance_head = nn.Sequential(nn.Flatten(), nn.Linear(flat, 32), nn.ReLU(inplace=True), nn.Linear(32, 2))
        self._init_biases()

    @classmethod
    def from_config(cls, cnn: CnnShape, width: int, height: int) -> MonoDepthNet:
        """The one factory: a fresh (untrained) network shaped as `cnn` says (a `CnnConfig`, or a checkpoint's
        `CnnMetadata`), for images of width x height."""
        return cls(cnn.channels, width, height, cnn.stem_px)

    @property
    def depth_grid(self) -> tuple[int, int]:
        """(rows, cols) of the coarse depth map."""
        step = self.stem_px * 2 ** (len(self.channels) - 2)
        return self.height // step, self.width // step

    def _init_biases(self) -> None:
        # Start near a plausible indoor scene (2-3 m, errors of ~50 %) so early steps learn structure, not offsets.
        with torch.no_grad():
            last = self.distance_head[-1]
            last.bias.copy_(torch.tensor([math.log(2.0), math.log(0.5)]))
            last.weight.mul_(0.1)
            self.depth_head.bias.fill_(math.log(3.0))

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean = image.mean(dim=(2, 3), keepdim=True)
        std = image.std(dim=(2, 3), keepdim=True).clamp_min(MIN_PIXEL_STD)
        x = (image - mean) / std
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        head = self.distance_head(features[-1])
        depth = self.depth_head(features[-2])[:, 0]
        return head[:, 0], head[:, 1], depth
