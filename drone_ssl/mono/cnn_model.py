"""`MonoDepthNet`: a CPU-sized CNN from a grayscale image to log nearest distance, its error scale, coarse depth."""

from __future__ import annotations

import math

import torch
from torch import nn

from drone_ssl.errors import ConfigError

PIXEL_MEAN = 127.5  # input normalisation, baked into the network so torch and ONNX take raw grey levels
PIXEL_STD = 64.0


class MonoDepthNet(nn.Module):
    """Stride-2 conv stages; the coarse depth map comes from the second-last stage (1/2^(n-1) of the image),
    the distance from a small dense head over the last stage, which keeps where in the image things are.

    Input: (B, 1, H, W) float32 grey levels 0..255. Outputs: log distance (B,), log of the expected absolute
    log error (B,) (a Laplace scale, turned into a confidence), log depth (B, H/2^(n-1), W/2^(n-1)).
    """

    def __init__(self, channels: list[int] | tuple[int, ...], width: int, height: int) -> None:
        super().__init__()
        stages = len(channels)
        if stages < 2:
            raise ConfigError("perception.cnn.channels", "needs at least 2 stages (one feeds the depth map)")
        step = 2**stages
        if width % step or height % step:
            raise ConfigError("camera.width", f"{width}x{height} must be a multiple of {step} for {stages} CNN stages")
        self.channels = tuple(int(c) for c in channels)
        self.width, self.height = int(width), int(height)
        self.stages = nn.ModuleList()
        previous = 1
        for out in self.channels:
            self.stages.append(nn.Sequential(nn.Conv2d(previous, out, 3, stride=2, padding=1), nn.ReLU(inplace=True)))
            previous = out
        self.depth_head = nn.Conv2d(self.channels[-2], 1, 3, padding=1)
        flat = self.channels[-1] * (height // step) * (width // step)
        self.distance_head = nn.Sequential(nn.Flatten(), nn.Linear(flat, 32), nn.ReLU(inplace=True), nn.Linear(32, 2))
        self._init_biases()

    @property
    def depth_grid(self) -> tuple[int, int]:
        """(rows, cols) of the coarse depth map."""
        step = 2 ** (len(self.channels) - 1)
        return self.height // step, self.width // step

    def _init_biases(self) -> None:
        # Start near a plausible indoor scene (2-3 m, errors of ~50 %) so early steps learn structure, not offsets.
        with torch.no_grad():
            last = self.distance_head[-1]
            last.bias.copy_(torch.tensor([math.log(2.0), math.log(0.5)]))
            last.weight.mul_(0.1)
            self.depth_head.bias.fill_(math.log(3.0))

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = (image - PIXEL_MEAN) / PIXEL_STD
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        head = self.distance_head(features[-1])
        depth = self.depth_head(features[-2])[:, 0]
        return head[:, 0], head[:, 1], depth
