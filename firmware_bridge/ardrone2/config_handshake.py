"""Sending configuration the way the SDK does: CONFIG_IDS + CONFIG, wait for the ACK bit, CTRL 5 until it clears."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from enum import Enum
from functools import partial

from drone_ssl.errors import DroneError
from drone_ssl_bridge.ardrone2.at_link import CommandBuilder
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import Navdata, NavState


class _Phase(Enum):
    IDLE = 0
    WAIT_ACK = 1  # CONFIG sent, waiting for the command-ACK state bit
    WAIT_CLEAR = 2  # CTRL 5 sent, waiting for the bit to clear


@dataclass
class PendingConfig:
    key: str
    value: str
    done: threading.Event = field(default_factory=threading.Event)
    error: DroneError | None = None


class ConfigHandshake:
    """One configuration entry at a time; `step` is called by the command loop with the latest navdata."""

    def __init__(self, session_ids: tuple[str, str, str], retry_s: float = 0.5, max_tries: int = 6) -> None:
        self._ids = session_ids
        self._retry_s = retry_s
        self._max_tries = max_tries
        self._lock = threading.Lock()
        self._queue: deque[PendingConfig] = deque()
        self._phase = _Phase.IDLE
        self._sent_at = 0.0
        self._tries = 0

    def submit(self, key: str, value: str) -> PendingConfig:
        pending = PendingConfig(key, value)
        with self._lock:
            self._queue.append(pending)
        return pending

    def step(self, now: float, nav: Navdata | None) -> list[CommandBuilder]:
        with self._lock:
            if not self._queue:
                return []
            current = self._queue[0]
            acked = nav is not None and nav.has(NavState.COMMAND_ACK)
            if self._phase is _Phase.IDLE:
                if acked:  # a stale ACK from someone else's CONFIG: clear it first
                    return [partial(at.ctrl, mode=at.CtrlMode.ACK)]
                return self._send_config(now, current)
            if self._phase is _Phase.WAIT_ACK:
                if acked:
                    self._phase = _Phase.WAIT_CLEAR
                    return [partial(at.ctrl, mode=at.CtrlMode.ACK)]
                if now - self._sent_at < self._retry_s:
                    return []
                if self._tries >= self._max_tries:
                    self._finish(DroneError(f"the drone never acknowledged CONFIG {current.key}={current.value}"))
                    return []
                return self._send_config(now, current)
            if acked:
                return [partial(at.ctrl, mode=at.CtrlMode.ACK)]
            self._finish(None)
            return []

    def fail_all(self, error: DroneError) -> None:
        """Release every waiter (the loop is stopping)."""
        with self._lock:
            while self._queue:
                self._finish(error)

    def _send_config(self, now: float, current: PendingConfig) -> list[CommandBuilder]:
        self._phase, self._sent_at = _Phase.WAIT_ACK, now
        self._tries += 1
        return [partial(at.config_ids, session_id=self._ids[0], profile_id=self._ids[1], application_id=self._ids[2]),
                partial(at.config, key=current.key, value=current.value)]  # fmt: skip

    def _finish(self, error: DroneError | None) -> None:
        done = self._queue.popleft()
        done.error = error
        done.done.set()
        self._phase, self._tries = _Phase.IDLE, 0
