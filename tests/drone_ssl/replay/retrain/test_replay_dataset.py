"""Streaming training batches from logs: each labelled sample once per epoch over processes and workers, a
deterministic order per epoch, and worker errors as one-line ReplayErrors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from replay_logs import HEIGHT, WIDTH, write_log

from drone_ssl.flightlog import iter_samples
from drone_ssl.replay import LogSampleDataset, ReplayError, make_loader
from drone_ssl.replay.retrain.dataset import batches

SHAPE = (HEIGHT, WIDTH)


def labels(dataset: LogSampleDataset, workers: int) -> list[float]:
    return [d for batch in batches(make_loader(dataset, workers)) for d in batch["distances"].tolist()]


def test_two_processes_with_two_workers_each_read_every_sample_once(flights: list[Path]) -> None:
    seen = Counter()
    for rank in range(2):
        dataset = LogSampleDataset(flights, 16, SHAPE, shuffle_buffer=32, seed=3, rank=rank, world=2)
        seen.update(labels(dataset, workers=2))
    assert seen == Counter(s.distance_m for s in iter_samples(flights))


def test_batches_carry_images_labels_and_depth(flights: list[Path]) -> None:
    batch = next(iter(make_loader(LogSampleDataset(flights[:1], 8, SHAPE), 0)))
    assert batch["images"].shape == (8, *SHAPE) and batch["images"].dtype.is_floating_point is False
    assert batch["depth"].shape == (8, *SHAPE)
    np.testing.assert_allclose(batch["depth"][:, 0, 0].numpy(), batch["distances"].numpy(), rtol=1e-3)


def test_the_order_is_shuffled_and_repeats_for_the_same_epoch(flights: list[Path]) -> None:
    dataset = LogSampleDataset(flights, 16, SHAPE, shuffle_buffer=32, seed=3)
    first = labels(dataset, workers=0)
    assert labels(dataset, workers=0) == first
    dataset.set_epoch(1)
    second = labels(dataset, workers=0)
    assert second != first and sorted(second) == sorted(first)
    assert first != [s.distance_m for s in iter_samples(flights)]  # not the logged order


def test_a_worker_error_is_one_clear_line(flights: list[Path], tmp_path: Path) -> None:
    other = tmp_path / "big.mcap"
    write_log(other, frames=5, size=(128, 96))
    dataset = LogSampleDataset([flights[0], other], 16, SHAPE, shuffle_buffer=1)
    with pytest.raises(ReplayError, match=r"big.mcap has 128x96 images but training is for 64x48") as caught:
        labels(dataset, workers=1)
    assert "\n" not in str(caught.value) and "Traceback" not in str(caught.value)
