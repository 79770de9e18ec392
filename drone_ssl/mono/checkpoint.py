"""CNN checkpoints: a torch state dict plus metadata, loaded without pickle and checked before use."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.errors import DroneSSLError
from drone_ssl.mono.cnn_model import PIXEL_MEAN, PIXEL_STD, MonoDepthNet

FORMAT_VERSION = 1
ARCHITECTURE = "MonoDepthNet"


class CheckpointError(DroneSSLError):
    """A checkpoint is missing, unreadable, or does not fit the configured camera, label or format."""


def label_definition(perception: PerceptionConfig) -> dict[str, Any]:
    """What the network's distance means; a checkpoint trained for another definition must not be used."""
    s = perception.stereo
    return {
        "target": "log of the nearest-obstacle distance in metres (stereo nearest-bin rule)",
        "roi_width": s.roi_width,
        "roi_height": s.roi_height,
        "bin_px": s.bin_px,
        "nearest_fraction": s.nearest_fraction,
        "min_distance_m": perception.min_distance_m,
        "max_distance_m": perception.max_distance_m,
    }


@dataclass(frozen=True)
class CnnMetadata:
    """Everything needed to rebuild, check and interpret a MonoDepthNet."""

    channels: list[int]
    input_width: int
    input_height: int
    label: dict[str, Any]
    training: dict[str, float] = field(default_factory=dict)  # steps, samples, losses, label statistics
    normalisation: dict[str, float] = field(default_factory=lambda: {"mean": PIXEL_MEAN, "std": PIXEL_STD})
    architecture: str = ARCHITECTURE
    format_version: int = FORMAT_VERSION

    @classmethod
    def for_model(cls, model: MonoDepthNet, perception: PerceptionConfig, training: dict | None = None) -> CnnMetadata:
        return cls(list(model.channels), model.width, model.height, label_definition(perception), dict(training or {}))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def build_model(self) -> MonoDepthNet:
        return MonoDepthNet(self.channels, self.input_width, self.input_height)

    def check_compatible(self, width: int, height: int, perception: PerceptionConfig) -> None:
        """Raise CheckpointError unless this network fits images of width x height and the configured label."""
        if (self.input_width, self.input_height) != (width, height):
            raise CheckpointError(
                f"checkpoint expects {self.input_width}x{self.input_height} images but the camera gives "
                f"{width}x{height}; retrain or set camera.width/height to match"
            )
        expected = label_definition(perception)
        if self.label != expected:
            diff = sorted(k for k in set(expected) | set(self.label) if expected.get(k) != self.label.get(k))
            raise CheckpointError(
                f"checkpoint was trained for another distance label (differs in {', '.join(diff)}); "
                "retrain or restore those perception settings"
            )
        if self.normalisation != {"mean": PIXEL_MEAN, "std": PIXEL_STD}:
            raise CheckpointError(f"checkpoint normalisation {self.normalisation} is not this code's; retrain")


def save_checkpoint(path: str | Path, model: MonoDepthNet, metadata: CnnMetadata) -> None:
    """Write weights and metadata (plain containers and tensors only, so it loads with weights_only=True)."""
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    payload = {"format_version": FORMAT_VERSION, "metadata": metadata.to_dict(), "state_dict": state}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    torch.save(payload, str(path))


def load_checkpoint(path: str | Path) -> tuple[MonoDepthNet, CnnMetadata]:
    """Read a checkpoint into a model; raises CheckpointError naming what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"checkpoint {p} does not exist")
    try:
        payload = torch.load(str(p), map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for corrupt or pickled files; all mean "unusable"
        raise CheckpointError(f"checkpoint {p} cannot be read safely ({type(exc).__name__}); is it ours?") from exc
    if not isinstance(payload, dict) or not {"format_version", "metadata", "state_dict"} <= set(payload):
        raise CheckpointError(f"checkpoint {p} lacks format_version/metadata/state_dict; not a drone_ssl checkpoint")
    if payload["format_version"] != FORMAT_VERSION:
        raise CheckpointError(
            f"checkpoint {p} has format version {payload['format_version']}, this code reads {FORMAT_VERSION}"
        )
    try:
        metadata = CnnMetadata(**payload["metadata"])
    except TypeError as exc:
        raise CheckpointError(f"checkpoint {p} metadata is malformed: {exc}") from exc
    if metadata.architecture != ARCHITECTURE:
        raise CheckpointError(f"checkpoint {p} holds a {metadata.architecture}, not a {ARCHITECTURE}")
    model = metadata.build_model()
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as exc:
        raise CheckpointError(f"checkpoint {p} weights do not fit its declared architecture") from exc
    return model.eval(), metadata
