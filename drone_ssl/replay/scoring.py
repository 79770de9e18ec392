"""A mono model's figures over replayed frames: MAE, log error, ROC AUC and TPR/FPR against a reference, and the
per-frame columns of a replay they are computed from."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from drone_ssl.learner.metrics import validation_metrics
from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.open_loop import LogReplay, ReplayedFrame


def score(
    predicted_m: np.ndarray, reference_m: np.ndarray, avoid_m: float, target_tpr: float, threshold_m: float | None
) -> dict[str, float | int | None]:
    """MAE, log error, ROC AUC of "obstacle within `avoid_m`" and TPR/FPR at `threshold_m` (None: the ROC rule's
    choice) over the frames where both are finite; None where a figure is undefined."""
    m = validation_metrics(0.0, 0, predicted_m, reference_m, avoid_m, target_tpr, threshold_m)
    figures = {k: v for k, v in asdict(m).items() if k not in ("t", "learning_round")}
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in figures.items()}


@dataclass
class Columns:
    """Per-frame figures of a replay as arrays (scalars only: a long flight fits in memory)."""

    frames: list[ReplayedFrame] = field(default_factory=list)

    def column(self, name: str) -> np.ndarray:
        return np.array([getattr(f, name) for f in self.frames], dtype=np.float64)


def replay_columns(replay: LogReplay) -> Columns:
    columns = Columns(list(replay.frames()))
    if not columns.frames:
        names = ", ".join(p.name for p in replay.paths)
        raise ReplayError(f"no frames could be read from {names}; the logs are empty or damaged beyond recovery")
    return columns
