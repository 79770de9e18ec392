"""The DDP path: two CPU processes on gloo over loopback train one model from the logs, each sample once."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from replay_logs import write_log

from drone_ssl.flightlog import iter_samples
from drone_ssl.mono import load_checkpoint
from drone_ssl.replay import ReplayError, RetrainOptions, launch_local, retrain_cnn
from drone_ssl.replay.retrain.train_state import RESUME_FILE, load_state
from drone_ssl_app.config import load_config

PERCEPTION = load_config().perception


def test_two_gloo_processes_train_one_model_on_every_sample(flights: list[Path], tmp_path: Path) -> None:
    options = RetrainOptions(
        logs=tuple(flights[:2]), val_logs=(flights[2],), out=tmp_path / "run", epochs=2, batch_size=15, workers=0,
        shuffle_buffer=32, checkpoint_every=3, threads=1, progress=False,
    )  # fmt: skip
    result = launch_local(retrain_cnn, 2, (options, PERCEPTION), timeout_s=180)
    labelled = sum(1 for _ in iter_samples(flights[:2]))
    assert result.processes == 2 and result.samples == 2 * labelled  # two epochs, every sample once in each
    assert result.steps == 2 * labelled // (2 * 15)  # the processes step together on batches of 15
    assert [h["step"] for h in result.history][:3] == [0, 3, 4]  # baseline, every 3 steps, end of epoch 1
    model, metadata = load_checkpoint(options.out / "mono_cnn.pt")
    assert metadata.training["steps"] == result.steps
    assert all(bool(torch.isfinite(w).all()) for w in model.state_dict().values())
    assert load_state(options.out / RESUME_FILE).layout["world"] == 2


def test_a_failure_in_rank_0_stops_both_processes_with_its_message(flights: list[Path], tmp_path: Path) -> None:
    blind = tmp_path / "blind.mcap"
    write_log(blind, frames=5, labels=lambda i, d: None)
    options = RetrainOptions(tuple(flights[:2]), (blind,), tmp_path / "run", workers=0, threads=1, progress=False)
    with pytest.raises(ReplayError, match="rank 0: held-out log .*blind.mcap holds no stereo-labelled frames"):
        launch_local(retrain_cnn, 2, (options, PERCEPTION), timeout_s=120)  # no hang: rank 1 is told at step 1
    assert not (options.out / "mono_cnn.pt").exists()
