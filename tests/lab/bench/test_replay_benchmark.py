"""The retraining benchmark: samples/s with one process and with two DDP processes, over the same logs."""

from __future__ import annotations

import pytest

from drone_ssl_app.config import load_config
from drone_ssl_lab.bench import retrain as benchmark


@pytest.mark.slow
def test_the_benchmark_trains_the_same_samples_in_one_and_two_processes() -> None:
    figures = benchmark.run(load_config().perception, frames_per_log=60, batch_size=16, width=64, height=48)
    one, two = figures["one_process"], figures["two_processes"]
    assert one["samples"] == two["samples"] > 100 and one["samples_per_s"] > 0 and two["samples_per_s"] > 0
    assert figures["speedup_two_vs_one"] == pytest.approx(two["samples_per_s"] / one["samples_per_s"], rel=0.01)
