"""The training process's failures, each told once and truly: hung (alive, silent past the bound) or dead (with
its real exit code), the same words from every later request, whichever thread asks."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from drone_ssl.learner.training_process import TrainerHungError, TrainingProcess, TrainingProcessError
from drone_ssl_app.config import load_config

BOUND_S = 1.5


@pytest.fixture
def training():
    config = load_config(overrides=[f"learner.trainer_timeout_s={BOUND_S}"])
    process = TrainingProcess(config.learner, config.perception, (config.camera.width, config.camera.height))
    yield process
    process.close()


def test_a_stopped_trainer_is_hung_within_its_bound_and_then_killed_at_once(training) -> None:
    assert training.sync() == 0 and training.alive
    os.kill(training.pid, signal.SIGSTOP)
    asked = time.monotonic()
    with pytest.raises(TrainerHungError, match=r"alive but gave no 'steps' answer within 1.5 s .*trainer_timeout_s"):
        training.sync()
    assert BOUND_S <= time.monotonic() - asked < BOUND_S + 1.0 and not training.alive
    with pytest.raises(TrainerHungError, match="it is hung"):
        training.steps(1)  # every later request says the same, at once
    closing = time.monotonic()
    training.close()
    assert time.monotonic() - closing < 3.0  # not asked to stop, which it could not answer: killed at once
    with pytest.raises(ProcessLookupError):
        os.kill(training.pid, 0)  # gone and reaped


def test_a_killed_trainer_is_dead_with_its_exit_code_in_every_thread(training) -> None:
    os.kill(training.pid, signal.SIGKILL)
    said: list[str] = []

    def ask() -> None:
        try:
            training.sync()
        except TrainingProcessError as exc:
            said.append(str(exc))

    background = threading.Thread(target=ask)
    background.start()
    background.join(10.0)
    time.sleep(0.3)
    with pytest.raises(TrainingProcessError) as info:
        training.steps(1)
    said.append(str(info.value))
    assert said == ["the CNN training process died (exit code -9: killed by SIGKILL)"] * 2
    assert not isinstance(info.value, TrainerHungError) and not training.alive
