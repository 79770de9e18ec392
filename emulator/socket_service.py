"""The skeleton every emulator server shares: one bound loopback socket served by one daemon thread."""

from __future__ import annotations

import socket
import threading
from abc import ABC, abstractmethod

from drone_ssl_sim.errors import SimError


class SocketService(ABC):
    """Binds `kind` (SOCK_DGRAM or SOCK_STREAM) on host:port and runs `_run` in a thread until `close()`."""

    def __init__(self, kind: int, host: str, port: int, what: str) -> None:
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, kind)
        if kind == socket.SOCK_STREAM:
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise SimError(
                f"cannot bind the {what} port {host}:{port} ({exc.strerror}); is another emulator running?"
            ) from exc
        self._thread = threading.Thread(target=self._run, name=f"emulator-{what}", daemon=True)

    @property
    def port(self) -> int:
        return self._sock.getsockname()[1]

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        self._sock.close()

    @abstractmethod
    def _run(self) -> None:
        """The serving loop; returns once `self._stop` is set."""
