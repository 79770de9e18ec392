"""CNN checkpoints: a torch state dict plus metadata, loaded without pickle and checked before use."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from drone_ssl.atomic_file import write_atomically
from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.errors import DroneSSLError
from drone_ssl.mono.cnn_model import NORMALISATION, MonoDepthNet

FORMAT_VERSION = 1
# The checkpoint's layout tag for `MonoDepthNet` (its second layout: patch stem, batch norm, per-image
# normalisation); a file with another tag is refused, not loaded into the wrong shapes.
ARCHITECTURE = "MonoDepthNet2"
MIN_STAGES, MAX_STAGES = 2, 8
MAX_CHANNELS = 1024
MAX_STEM_PX = 16
MIN_SIDE_PX, MAX_SIDE_PX = 8, 4096
MAX_PARAMETERS = 50_000_000  # ~200 MB of float32: far beyond a CPU-sized net, far below a machine's memory
MAX_CHECKPOINT_BYTES = 4 * MAX_PARAMETERS + 16 * 2**20  # the largest network's float32 weights and its metadata


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
    normalisation: dict[str, Any] = field(default_factory=lambda: dict(NORMALISATION))
    stem_px: int = 4
    architecture: str = ARCHITECTURE
    format_version: int = FORMAT_VERSION

    @classmethod
    def for_model(cls, model: MonoDepthNet, perception: PerceptionConfig, training: dict | None = None) -> CnnMetadata:
        return cls(
            list(model.channels),
            model.width,
            model.height,
            label_definition(perception),
            dict(training or {}),
            stem_px=model.stem_px,
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def build_model(self) -> MonoDepthNet:
        """The recorded architecture, untrained: the weights are the caller's to load."""
        return MonoDepthNet.from_config(self, self.input_width, self.input_height)

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
        if self.normalisation != NORMALISATION:
            raise CheckpointError(f"checkpoint normalisation {self.normalisation} is not this code's; retrain")


def save_checkpoint(path: str | Path, model: MonoDepthNet, metadata: CnnMetadata) -> None:
    """Write weights and metadata (plain containers and tensors only, so it loads with weights_only=True), whole
    or not at all: a full disk is a SaveError and leaves the previous file (if any) as it was."""
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    payload = {"format_version": FORMAT_VERSION, "metadata": metadata.to_dict(), "state_dict": state}
    write_atomically(path, lambda f: f.write(torch_bytes(payload)))


def torch_bytes(payload: Any) -> bytes:
    """torch.save into memory: written to disk by our own code, a full disk is an OSError, not torch's
    RuntimeError from inside its zip writer."""
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    return buffer.getvalue()


def load_checkpoint(path: str | Path) -> tuple[MonoDepthNet, CnnMetadata]:
    """Read a checkpoint into a model; raises CheckpointError naming what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"checkpoint {p} does not exist")
    if p.stat().st_size > MAX_CHECKPOINT_BYTES:  # before torch's C++ zip reader maps what the file declares
        raise CheckpointError(f"checkpoint {p} is larger than {MAX_CHECKPOINT_BYTES // 2**20} MiB; is it ours?")
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
    if not isinstance(payload["metadata"], dict):
        raise CheckpointError(f"checkpoint {p} metadata is not a mapping; not a drone_ssl checkpoint")
    try:
        metadata = CnnMetadata(**payload["metadata"])
    except TypeError as exc:
        raise CheckpointError(f"checkpoint {p} metadata is malformed: {exc}") from exc
    if metadata.architecture != ARCHITECTURE:
        raise CheckpointError(
            f"checkpoint {p} holds a {metadata.architecture}, not a {ARCHITECTURE}; "
            "retrain it with this version (drone-ssl replay --retrain, or drone-ssl train-default-model)"
        )
    check_sizes(metadata, p)  # before anything is allocated from them
    state = payload["state_dict"]
    check_weights(state, p)
    try:
        model = metadata.build_model()
        model.load_state_dict(state)
    except (RuntimeError, ValueError, DroneSSLError) as exc:
        raise CheckpointError(f"checkpoint {p} weights do not fit its declared architecture") from exc
    check_probe_outputs(model.eval(), p)
    return model, metadata


def load_fitting_checkpoint(
    path: str | Path, perception: PerceptionConfig, width: int, height: int
) -> tuple[MonoDepthNet, CnnMetadata]:
    """`load_checkpoint`, then refuse it (CheckpointError) unless it fits width x height images and the label."""
    model, metadata = load_checkpoint(path)
    metadata.check_compatible(width, height, perception)
    return model, metadata


def check_sizes(metadata: CnnMetadata, path: Path) -> None:
    """Channel counts and image size within bounds, and a parameter count that fits in memory."""
    channels, width, height, stem = metadata.channels, metadata.input_width, metadata.input_height, metadata.stem_px
    if not isinstance(channels, list) or not MIN_STAGES <= len(channels) <= MAX_STAGES:
        raise CheckpointError(f"checkpoint {path}: channels must list {MIN_STAGES}..{MAX_STAGES} stage widths")
    for value in (*channels, width, height, stem):
        if isinstance(value, bool) or not isinstance(value, int):
            raise CheckpointError(f"checkpoint {path}: channels and input size must be integers, got {value!r}")
    if not all(1 <= c <= MAX_CHANNELS for c in channels):
        raise CheckpointError(f"checkpoint {path}: stage widths must be 1..{MAX_CHANNELS}, got {channels}")
    if not (MIN_SIDE_PX <= width <= MAX_SIDE_PX and MIN_SIDE_PX <= height <= MAX_SIDE_PX):
        raise CheckpointError(f"checkpoint {path}: input size {width}x{height} is outside {MIN_SIDE_PX}..{MAX_SIDE_PX}")
    if not 1 <= stem <= MAX_STEM_PX:
        raise CheckpointError(f"checkpoint {path}: stem_px must be 1..{MAX_STEM_PX}, got {stem}")
    step = stem * 2 ** (len(channels) - 1)  # the last stage's cell (its padded grid rounds up)
    inputs = [1, *channels[:-1]]
    kernels = [stem * stem] + [9] * (len(channels) - 1)
    convs = sum(k * c_in * c_out + 4 * c_out for k, c_in, c_out in zip(kernels, inputs, channels, strict=True))
    convs += 9 * channels[-2] + 1  # the depth head
    dense = channels[-1] * -(-height // step) * -(-width // step) * 33 + 32 * 2 + 2
    if convs + dense > MAX_PARAMETERS:
        raise CheckpointError(
            f"checkpoint {path} declares {convs + dense:,} parameters (limit {MAX_PARAMETERS:,}); not a usable model"
        )


def check_weights(state: Any, path: Path) -> None:
    """Floating-point tensors only, every value finite: NaN weights would fly blind."""
    if not isinstance(state, dict) or not state:
        raise CheckpointError(f"checkpoint {path}: state_dict is empty or not a mapping")
    for name, tensor in state.items():
        if isinstance(tensor, torch.Tensor) and name.endswith("num_batches_tracked") and tensor.numel() == 1:
            continue  # batch norm's step counter: an integer by design, never used at inference
        if not isinstance(tensor, torch.Tensor) or not tensor.is_floating_point():
            kind = tensor.dtype if isinstance(tensor, torch.Tensor) else type(tensor).__name__
            raise CheckpointError(f"checkpoint {path}: weight {name} is {kind}, not floating point")
        if not bool(torch.isfinite(tensor).all()):
            raise CheckpointError(f"checkpoint {path}: weight {name} holds NaN or infinite values; retrain")


def probe_image(width: int, height: int) -> torch.Tensor:
    """A textured grey image (a gradient with stripes): what a camera could show, so outputs must be finite."""
    y, x = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    image = 40 + (x * 160 // max(width - 1, 1)) + 40 * ((x // 6 + y // 6) % 2)
    return image.to(torch.float32)[None, None]


def check_probe_outputs(model: MonoDepthNet, path: Path) -> None:
    """Refuse a model whose outputs on a probe image are not finite (e.g. weights that overflow)."""
    with torch.no_grad():
        outputs = model(probe_image(model.width, model.height))
    if not all(bool(torch.isfinite(o).all()) for o in outputs):
        raise CheckpointError(f"checkpoint {path} outputs NaN or infinite numbers on a probe image; retrain it")
