"""`LogSampleDataset`: training batches streamed from flight logs, each sample read once per epoch by one worker."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from drone_ssl.errors import DroneSSLError
from drone_ssl.flightlog import TrainingSample, iter_samples
from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.retrain.shards import Piece, shard

# An item the loader hands over: a batch {"images", "distances", "depth"?} or {"error": one-line message}. Errors
# travel as items because the loader would wrap an exception raised in a worker in a multi-line traceback.
Item = dict[str, torch.Tensor | str]


class LogSampleDataset(IterableDataset):
    """Batches of (left image, stereo label, stereo depth) from flight logs, never all in memory.

    The logs are split among DDP processes (`rank` of `world`) and then among each process's loader workers
    (`drone_ssl.replay.retrain.shards`), so every labelled sample is read once per epoch. Each worker shuffles through a
    bounded buffer of `shuffle_buffer` samples; the order depends only on the seed, the epoch (`set_epoch`) and
    the layout, so an epoch can be replayed exactly to resume in its middle.
    """

    def __init__(
        self,
        logs: Sequence[str | Path],
        batch_size: int,
        image_shape: tuple[int, int],
        shuffle_buffer: int = 512,
        seed: int = 0,
        rank: int = 0,
        world: int = 1,
    ) -> None:
        super().__init__()
        if not logs:
            raise ReplayError("no training logs given; pass at least one flight.mcap")
        self.logs = [Path(p) for p in logs]
        self.sizes = [os.path.getsize(p) for p in self.logs]
        self.batch_size = batch_size
        self.image_shape = tuple(image_shape)
        self.shuffle_buffer = max(1, shuffle_buffer)
        self.seed, self.rank, self.world = seed, rank, world
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Choose the epoch whose order the next pass yields (call before iterating the loader)."""
        self.epoch = epoch

    def pieces(self, workers: int, worker: int) -> list[Piece]:
        """What one worker of this process reads in the current epoch."""
        # The log order changes every epoch but is the same in every process, so the split is consistent.
        order = np.random.default_rng([self.seed, self.epoch]).permutation(len(self.logs)).tolist()
        return shard(self.sizes, order, self.world, self.rank, workers, worker)

    def __iter__(self) -> Iterator[Item]:
        info = get_worker_info()
        workers, worker = (1, 0) if info is None else (info.num_workers, info.id)
        rng = np.random.default_rng([self.seed, self.epoch, self.rank, worker])
        try:
            samples = _shuffled(self._samples(self.pieces(workers, worker)), self.shuffle_buffer, rng)
            batch: list[TrainingSample] = []
            for sample in samples:
                batch.append(sample)
                if len(batch) == self.batch_size:
                    yield _collate(batch)
                    batch = []
            if batch:
                yield _collate(batch)
        except DroneSSLError as e:
            yield {"error": str(e)}

    def _samples(self, pieces: list[Piece]) -> Iterator[TrainingSample]:
        for piece in pieces:
            path = self.logs[piece.log]
            for index, sample in enumerate(iter_samples([path])):
                if piece.takes(index):
                    self._check(sample)
                    yield sample

    def _check(self, sample: TrainingSample) -> None:
        label = sample.distance_m
        if label is None or not math.isfinite(label) or label <= 0:
            raise ReplayError(f"{sample.log} at t={sample.t:.2f} s has stereo label {label!r}; the log is damaged")
        if sample.left.shape != self.image_shape:
            h, w = sample.left.shape
            raise ReplayError(
                f"{sample.log} has {w}x{h} images but training is for {self.image_shape[1]}x{self.image_shape[0]}; "
                "retrain logs of one camera size together"
            )


def _shuffled(samples: Iterator[TrainingSample], size: int, rng: np.random.Generator) -> Iterator[TrainingSample]:
    """A bounded shuffle: hold `size` samples, hand out a random one for each that comes in."""
    buffer: list[TrainingSample] = []
    for sample in samples:
        if len(buffer) < size:
            buffer.append(sample)
            continue
        slot = int(rng.integers(size))
        yield buffer[slot]
        buffer[slot] = sample
    for slot in rng.permutation(len(buffer)):
        yield buffer[slot]


def _collate(batch: list[TrainingSample]) -> Item:
    item: Item = {
        "images": torch.from_numpy(np.stack([s.left for s in batch])),
        "distances": torch.tensor([s.distance_m for s in batch], dtype=torch.float64),
    }
    if any(s.depth_m is not None for s in batch):
        nan = np.full(batch[0].left.shape, np.nan, np.float32)
        item["depth"] = torch.from_numpy(np.stack([nan if s.depth_m is None else s.depth_m for s in batch]))
    return item


def _as_is(item: Item) -> Item:
    return item


def _worker_init(_: int) -> None:
    # Workers decode PNGs; the training process owns the cores' threads.
    torch.set_num_threads(1)
    cv2.setNumThreads(1)


def make_loader(dataset: LogSampleDataset, workers: int) -> DataLoader:
    """A loader that passes the dataset's batches through as they are, decoding in `workers` processes.

    Workers are spawned, not forked: a fork taken while the parent's OpenMP or other threads hold a lock can
    hang the child for good (seen when a worker set its thread count).
    """
    return DataLoader(
        dataset,
        batch_size=None,
        num_workers=workers,
        collate_fn=_as_is,
        worker_init_fn=_worker_init if workers else None,
        prefetch_factor=4 if workers else None,
        multiprocessing_context="spawn" if workers else None,
        persistent_workers=False,
    )


def batches(loader: DataLoader) -> Iterator[Item]:
    """The loader's batches; an error a worker met becomes a ReplayError here, with its one-line message."""
    for item in loader:
        if "error" in item:
            raise ReplayError(str(item["error"]))
        yield item
