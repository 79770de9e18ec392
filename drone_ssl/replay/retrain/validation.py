"""A retrained model's figures on held-out flights: against the logged stereo labels, and ground truth where logged."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from drone_ssl.mono.reading import MonoEstimator
from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.open_loop import LogReplay
from drone_ssl.replay.scoring import replay_columns, score


def validate(
    estimator: MonoEstimator, logs: Sequence[Path], avoid_m: float, target_tpr: float
) -> dict[str, dict[str, Any]]:
    """A model's figures on held-out flights: against stereo labels, and against ground truth where logged."""
    columns = replay_columns(LogReplay(logs, estimator, avoid_m))
    mono, stereo, truth = columns.column("mono_m"), columns.column("stereo_m"), columns.column("truth_m")
    if not np.isfinite(stereo).any():
        raise ReplayError("the held-out logs hold no stereo labels to validate against; choose other --val logs")
    figures = {"vs_stereo": score(mono, stereo, avoid_m, target_tpr, None)}
    if np.isfinite(truth).any():
        figures["vs_ground_truth_evaluation_only"] = score(mono, truth, avoid_m, target_tpr, None)
    return figures
