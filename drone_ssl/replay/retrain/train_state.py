"""The retraining state to resume from: weights, optimiser, epoch and position, saved and loaded safely."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from drone_ssl.atomic_file import write_atomically
from drone_ssl.mono.checkpoint import torch_bytes
from drone_ssl.replay.errors import ReplayError

FORMAT_VERSION = 1
RESUME_FILE = "resume.pt"


@dataclass
class TrainState:
    """Everything a resumed run needs, as plain tensors, numbers, strings and dicts (loads with weights_only)."""

    step: int  # optimiser steps done in all
    epoch: int  # the epoch under way (== epochs when training finished)
    position: int  # batches of that epoch already trained on
    metadata: dict[str, Any]  # the network's CnnMetadata, to rebuild it
    model: dict[str, torch.Tensor]
    optimizer: dict[str, Any]
    generator: torch.Tensor  # the augmentation RNG of rank 0
    stats: dict[str, float]
    layout: dict[str, int]  # world, workers, batch size, shuffle buffer, seed: the epoch order depends on them
    logs: list[str]
    val_logs: list[str]
    history: list[dict[str, Any]] = field(default_factory=list)
    samples: int = 0  # training samples seen in all


def save_state(path: Path, state: TrainState) -> None:
    payload = {"format_version": FORMAT_VERSION, **asdict(state)}
    write_atomically(path, lambda f: f.write(torch_bytes(payload)))


def load_state(path: Path) -> TrainState:
    """Read a resume file without unpickling code; ReplayError when it is missing, damaged or another format."""
    if not path.is_file():
        raise ReplayError(f"nothing to resume: {path} does not exist; start without --resume")
    try:
        payload = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for damaged or pickled files; all mean "unusable"
        raise ReplayError(f"resume file {path} cannot be read safely ({type(e).__name__}); start afresh") from e
    if not isinstance(payload, dict) or payload.get("format_version") != FORMAT_VERSION:
        raise ReplayError(f"resume file {path} is not a format-{FORMAT_VERSION} drone_ssl retraining state")
    payload.pop("format_version")
    try:
        return TrainState(**payload)
    except TypeError as e:
        raise ReplayError(f"resume file {path} is malformed ({e}); start afresh") from e
