"""Fault injection for the emulator: packet loss, delay and jitter, navdata silence, corruption, battery drain."""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass


@dataclass
class Faults:
    """Mutable on purpose: tests and the CLI change faults while the emulator runs."""

    loss_pct: float = 0.0  # of datagrams, both ways (AT in, navdata out)
    delay_s: float = 0.0  # added to every navdata packet
    jitter_s: float = 0.0  # uniform extra delay in [0, jitter_s]
    corrupt_pct: float = 0.0  # navdata packets with one byte flipped (the checksum exposes them)
    navdata_silent: bool = False  # stop sending navdata altogether
    battery_drain_pct_per_s: float = 0.0  # extra drain on top of the body's own


class FaultyChannel:
    """Applies loss, corruption and delay to outgoing packets; `due(now)` gives the ones to send now."""

    def __init__(self, faults: Faults, rng: random.Random) -> None:
        self.faults = faults
        self._rng = rng
        self._queue: list[tuple[float, int, bytes]] = []
        self._order = itertools.count()  # ties keep their order
        self.dropped = 0
        self.corrupted = 0

    def drop_incoming(self) -> bool:
        """True when an incoming datagram is to be lost."""
        lost = self._rng.random() * 100.0 < self.faults.loss_pct
        self.dropped += lost
        return lost

    def put(self, now: float, packet: bytes) -> None:
        f = self.faults
        if self._rng.random() * 100.0 < f.loss_pct:
            self.dropped += 1
            return
        if self._rng.random() * 100.0 < f.corrupt_pct:
            data = bytearray(packet)
            data[self._rng.randrange(len(data))] ^= 1 << self._rng.randrange(8)
            packet = bytes(data)
            self.corrupted += 1
        delay = f.delay_s + (self._rng.uniform(0.0, f.jitter_s) if f.jitter_s > 0 else 0.0)
        heapq.heappush(self._queue, (now + delay, next(self._order), packet))

    def due(self, now: float) -> list[bytes]:
        out = []
        while self._queue and self._queue[0][0] <= now:
            out.append(heapq.heappop(self._queue)[2])
        return out

    def next_due(self) -> float | None:
        return self._queue[0][0] if self._queue else None
