"""A bounded, thread-safe record of what crossed the emulator's wire, for tests and the benchmark."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class WireEvent:
    t: float  # the emulator's monotonic clock
    kind: str  # "at" (a datagram received) or "navdata" (a packet sent)
    names: tuple[str, ...] = ()  # AT command names in the datagram
    state: int = 0  # navdata state bits


class EventLog:
    def __init__(self, maxlen: int = 50_000) -> None:
        self._events: deque[WireEvent] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def add(self, event: WireEvent) -> None:
        with self._lock:
            self._events.append(event)

    def snapshot(self) -> list[WireEvent]:
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
