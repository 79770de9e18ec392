"""Split an epoch's logs among training processes and loader workers so that each sample is read exactly once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Processes step in lock-step and an epoch ends when the first runs out of data, so whole logs go to processes
# only when their shares differ by at most this much; otherwise every process reads its share of every log.
PROCESS_BALANCE = 0.05
# Workers of one process may finish at different times (the loader goes on with the others): only an idle
# worker makes them share logs.
WORKER_BALANCE = math.inf


@dataclass(frozen=True)
class Piece:
    """The labelled samples i of log `log` with i % stride == offset; `weight` estimates the work (bytes)."""

    log: int
    stride: int = 1
    offset: int = 0
    weight: float = 1.0

    def takes(self, index: int) -> bool:
        return index % self.stride == self.offset


def whole_logs(sizes: Sequence[float], order: Sequence[int] | None = None) -> list[Piece]:
    """One piece per log, in `order` (a permutation of the log indices; default as given)."""
    return [Piece(i, weight=float(max(sizes[i], 1))) for i in (range(len(sizes)) if order is None else order)]


def split(pieces: Sequence[Piece], parts: int, index: int, balance: float) -> list[Piece]:
    """The pieces that part `index` of `parts` reads.

    Whole pieces go to the least loaded part, largest first, when no part is left empty and the loads differ by
    at most `balance` of the largest; otherwise every piece is interleaved `parts` ways (each part scans it all
    and keeps its own samples), which balances any mix of logs at the cost of decoding frames several times.
    """
    if not 0 <= index < parts:
        raise ValueError(f"part {index} of {parts} does not exist")
    if parts == 1:
        return list(pieces)
    loads = [0.0] * parts
    owned: list[list[int]] = [[] for _ in range(parts)]  # positions in `pieces`, to keep their order
    for position in sorted(range(len(pieces)), key=lambda i: (-pieces[i].weight, i)):
        target = loads.index(min(loads))
        owned[target].append(position)
        loads[target] += pieces[position].weight
    if min(loads) > 0 and max(loads) - min(loads) <= balance * max(loads):
        return [pieces[i] for i in sorted(owned[index])]
    return [Piece(p.log, p.stride * parts, p.offset + index * p.stride, p.weight / parts) for p in pieces]


def shard(
    sizes: Sequence[float], order: Sequence[int], world: int, rank: int, workers: int, worker: int
) -> list[Piece]:
    """What worker `worker` of process `rank` reads: processes first (balanced), then that process's workers."""
    mine = split(whole_logs(sizes, order), world, rank, PROCESS_BALANCE)
    return split(mine, workers, worker, WORKER_BALANCE)
