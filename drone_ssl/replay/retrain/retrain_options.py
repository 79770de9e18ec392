"""What a retraining run is asked to do (`RetrainOptions`) and what it reports (`RetrainResult`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drone_ssl.replay.logs import MIN_LOG_FRAMES

VALIDATION_FILE = "validation.json"


@dataclass(frozen=True)
class RetrainOptions:
    """One retraining run; `out` is a folder: the model, the resume state and the validation history."""

    logs: tuple[Path, ...]
    val_logs: tuple[Path, ...]
    out: Path
    epochs: int = 5
    batch_size: int = 64
    workers: int = 2  # loader processes per training process
    shuffle_buffer: int = 512  # samples each loader worker shuffles among
    checkpoint_every: int = 200  # steps
    seed: int = 0
    resume: bool = False
    init_model: Path | None = None  # start from these weights instead of a fresh network
    threads: int | None = None  # torch threads per process (default: the cores the loaders leave, shared)
    target_tpr: float = 0.95  # the ROC rule that picks the validation threshold
    progress: bool = True
    min_log_frames: int = MIN_LOG_FRAMES  # a log with fewer stereo-labelled frames is refused


@dataclass
class RetrainResult:
    model: Path
    steps: int  # in all, over this and earlier (resumed) runs
    epochs_done: int
    samples: int  # trained on in this run, all processes together
    train_seconds: float  # this run's training time, validation and checkpoints excluded
    processes: int
    threads: int
    workers: int
    resumed_from_step: int
    history: list[dict[str, Any]] = field(default_factory=list)
    logs_read: list[dict[str, Any]] = field(default_factory=list)  # LogRecovery.as_dict of each log (rank 0)

    @property
    def samples_per_s(self) -> float:
        return self.samples / self.train_seconds if self.train_seconds > 0 else math.nan
