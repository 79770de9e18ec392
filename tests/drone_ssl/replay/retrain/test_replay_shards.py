"""Sharding an epoch's logs among processes and workers: every sample exactly once, balanced across processes."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from drone_ssl.replay.retrain.shards import Piece, shard


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=1, max_size=7),
    sizes=st.lists(st.integers(1, 10_000), min_size=7, max_size=7),
    world=st.integers(1, 4),
    workers=st.integers(1, 4),
)
def test_every_sample_is_read_by_exactly_one_worker_of_one_process(counts, sizes, world, workers) -> None:
    sizes = sizes[: len(counts)]
    order = list(reversed(range(len(counts))))
    taken: Counter = Counter()
    for rank in range(world):
        for worker in range(workers):
            for piece in shard(sizes, order, world, rank, workers, worker):
                taken.update((piece.log, i) for i in range(counts[piece.log]) if piece.takes(i))
    assert taken == Counter((log, i) for log, n in enumerate(counts) for i in range(n))


def test_balanced_logs_go_whole_to_processes_and_workers() -> None:
    mine = shard([100, 100, 100, 100], [0, 1, 2, 3], world=2, rank=1, workers=2, worker=0)
    assert mine == [Piece(1, 1, 0, 100.0)]  # whole logs: each read by one worker only


def test_unbalanced_logs_are_interleaved_across_processes() -> None:
    # Three equal logs cannot split evenly in two: each process takes every other sample of every log.
    pieces = shard([100, 100, 100], [0, 1, 2], world=2, rank=1, workers=1, worker=0)
    assert [(p.log, p.stride, p.offset) for p in pieces] == [(0, 2, 1), (1, 2, 1), (2, 2, 1)]


def test_workers_share_a_log_rather_than_idle() -> None:
    first = shard([100], [0], world=1, rank=0, workers=2, worker=0)
    second = shard([100], [0], world=1, rank=0, workers=2, worker=1)
    assert [(p.stride, p.offset) for p in first + second] == [(2, 0), (2, 1)]
