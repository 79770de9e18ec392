"""Offline texton + kNN retraining: a dictionary and a kNN buffer from the logs, better than a constant guess."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from drone_ssl.flightlog import iter_samples
from drone_ssl.mono import TextonKnnEstimator
from drone_ssl.replay import ReplayError, RetrainOptions, retrain_textons
from drone_ssl_app.config import load_config

PERCEPTION = load_config().perception


def test_textons_learn_from_the_logs_and_save_the_npz(flights: list[Path], tmp_path: Path) -> None:
    options = RetrainOptions(tuple(flights[:2]), (flights[2],), tmp_path / "run", workers=1, progress=False)
    result = retrain_textons(options, PERCEPTION)
    estimator = TextonKnnEstimator.load(result.model, PERCEPTION)
    assert estimator.ready and len(estimator.knn) == result.samples == 120
    held_out = np.array([s.distance_m for s in iter_samples(flights[2:])])
    constant_mae = np.abs(held_out - np.median(held_out)).mean()  # the best constant guess
    # Measured: 0.13 x the constant's error with these logs under every torch kernel set (torch is not used), 0.10
    # with logs of seeds 10-12.
    assert result.history[-1]["vs_stereo"]["mae_m"] < 0.8 * constant_mae
    with pytest.raises(ReplayError, match="already holds a retraining run"):
        retrain_textons(options, PERCEPTION)
