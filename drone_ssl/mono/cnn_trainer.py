"""`CnnTrainer`: gradient steps on (left image, stereo distance, stereo depth) batches; checkpoints and ONNX export."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.mono.checkpoint import CnnMetadata, load_fitting_checkpoint, save_checkpoint
from drone_ssl.mono.cnn_batch import Batch, augment, make_batch
from drone_ssl.mono.cnn_model import MonoDepthNet
from drone_ssl.mono.onnx_export import export_onnx
from drone_ssl.vision.image_input import ImageInputError

_EMA = 0.98  # smoothing of the reported training loss


def bf16_native() -> bool:
    """Whether oneDNN runs bf16 on this CPU's own instructions (avx512_bf16 or AMX), not emulated."""
    return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())


class CnnTrainer:
    """Owns a MonoDepthNet and its optimiser. Not thread-safe: one learner thread drives it, and hands the
    estimator new weights through `export_onnx()` (the estimator swaps them in without blocking inference).

    Loss: L1 on log distance (labelled frames), a Laplace negative log-likelihood that teaches the error
    scale (the confidence) without pulling on the distance itself, and masked L1 on coarse log depth.
    """

    def __init__(
        self, perception: PerceptionConfig, width: int, height: int, seed: int = 0, model: MonoDepthNet | None = None
    ) -> None:
        self.perception = perception
        self.config = perception.cnn
        torch.manual_seed(seed)
        self.model = model if model is not None else MonoDepthNet.from_config(self.config, width, height)
        self.model.train()
        self.optimizer = torch.optim.AdamW(
            self.model.parameters(), lr=self.config.learning_rate, weight_decay=self.config.weight_decay
        )
        self.generator = torch.Generator().manual_seed(seed)
        self.bf16 = self.config.train_precision == "bf16" and bf16_native()
        if self.bf16:
            self.model.to(memory_format=torch.channels_last)  # oneDNN's bf16 convolutions want NHWC
        self.stats: dict[str, float] = {"steps": 0, "samples": 0, "labelled_samples": 0, "loss_ema": math.nan}

    @classmethod
    def from_checkpoint(cls, path: str | Path, perception: PerceptionConfig, width: int, height: int) -> CnnTrainer:
        """Resume from saved weights (the optimiser state starts afresh); raises CheckpointError on a mismatch."""
        model, metadata = load_fitting_checkpoint(path, perception, width, height)
        trainer = cls(perception, width, height, model=model)
        trainer.stats.update(metadata.training)
        return trainer

    @property
    def learning_rate(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        """For schedules (offline training); the online learner keeps the configured rate."""
        for group in self.optimizer.param_groups:
            group["lr"] = float(value)

    @property
    def width(self) -> int:
        return self.model.width

    @property
    def height(self) -> int:
        return self.model.height

    def batch(
        self,
        images: np.ndarray,
        distances_m: np.ndarray,
        depth_m: np.ndarray | None = None,
        mask: np.ndarray | None = None,
    ) -> Batch:
        """Checked training tensors for (B,H,W) uint8 images, (B,) distances (NaN: no label), (B,H,W) depth."""
        if np.shape(images)[1:] != (self.height, self.width):
            raise ImageInputError(f"training images must be {self.width}x{self.height}, got {images.shape}")
        limits = (self.perception.min_distance_m, self.perception.max_distance_m)
        return make_batch(
            images, distances_m, depth_m, self.model.depth_grid, limits, self.config.depth_min_valid, mask
        )

    def step(
        self,
        images: np.ndarray,
        distances_m: np.ndarray,
        depth_m: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        augment_batch: bool = True,
    ) -> float:
        """One gradient step; returns the loss, or NaN (and no step) when the batch holds nothing to learn from."""
        batch = self.batch(images, distances_m, depth_m, mask)
        if augment_batch:
            batch = augment(batch, self.config.augment, self.generator)
        if not bool(batch.has_distance.any()) and float(batch.depth_weight.sum()) == 0:
            return math.nan
        self.model.train()
        loss, parts = self._loss(batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 5.0)
        self.optimizer.step()
        value = float(loss.detach())
        self._record(batch, value, parts)
        return value

    def _forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The network's outputs in float32; computed in bf16 where configured and native (the loss stays fp32)."""
        if not self.bf16:
            return self.model(images)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            outputs = self.model(images.contiguous(memory_format=torch.channels_last))
        return tuple(output.float() for output in outputs)  # type: ignore[return-value]

    def _loss(self, batch: Batch) -> tuple[torch.Tensor, dict[str, float]]:
        """Total loss and its readable parts (mean |log error| of distance and of depth cells)."""
        log_distance, log_scale, log_depth = self._forward(batch.images)
        total = log_distance.new_zeros(())
        parts: dict[str, float] = {}
        has = batch.has_distance
        if bool(has.any()):
            error = (log_distance[has] - batch.log_distance[has]).abs()
            scale = log_scale[has].clamp(-6, 3)
            # The scale term can go below zero (a confident, right network): the total is not an error measure.
            total = total + error.mean() + (error.detach() * torch.exp(-scale) + scale).mean()
            parts["distance_l1"] = float(error.mean().detach())
        weight_sum = batch.depth_weight.sum()
        if float(weight_sum) > 0 and self.config.depth_weight > 0:
            depth_error = ((log_depth - batch.log_depth).abs() * batch.depth_weight).sum() / weight_sum
            total = total + self.config.depth_weight * depth_error
            parts["depth_l1"] = float(depth_error.detach())
        return total, parts

    def _record(self, batch: Batch, loss: float, parts: dict[str, float]) -> None:
        s = self.stats
        s["steps"] += 1
        s["samples"] += int(batch.images.shape[0])
        s["labelled_samples"] += int(batch.has_distance.sum())
        s["loss_ema"] = loss if math.isnan(s["loss_ema"]) else _EMA * s["loss_ema"] + (1 - _EMA) * loss
        s["last_loss"] = loss
        for name, value in parts.items():
            s[f"last_{name}"] = value

    @torch.no_grad()
    def predict_log_distance(self, images: np.ndarray) -> np.ndarray:
        """Torch-side predictions (log metres) for (B,H,W) uint8 images, e.g. to check the ONNX export."""
        self.model.eval()
        return self.model(self.batch(images, np.full(len(images), np.nan)).images)[0].numpy()

    def metadata(self) -> CnnMetadata:
        return CnnMetadata.for_model(self.model, self.perception, self.stats)

    def save(self, path: str | Path) -> None:
        save_checkpoint(path, self.model, self.metadata())

    def export_onnx(self) -> bytes:
        """The current weights as ONNX bytes, for `CnnEstimator.swap`."""
        return export_onnx(self.model)
