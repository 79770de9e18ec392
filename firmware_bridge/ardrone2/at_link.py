"""The AT command channel (UDP 5556): a connected socket that numbers commands and never sends over 1,024 bytes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

from drone_ssl.errors import DroneError
from drone_ssl_bridge.ardrone2.protocol import at

CommandBuilder = Callable[[int], at.AtCommand]  # takes the sequence number


class AtLink:
    """Thread-safe sender: each command gets the next sequence number, starting at 1 (which resets the drone's)."""

    def __init__(self, host: str, port: int) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self.sent_datagrams = 0
        try:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            # Connected: the OS picks the interface that reaches the drone and drops datagrams from anyone else.
            self._sock.connect((host, port))
        except OSError as exc:
            raise DroneError(f"cannot open the AT command socket to {host}:{port} ({exc}); check bridge.host") from exc

    def send(self, builders: list[CommandBuilder]) -> None:
        """Number and send the commands in as few datagrams as fit; a lost network only counts as a lost packet."""
        with self._lock:
            commands = []
            for build in builders:
                self._seq += 1
                commands.append(build(self._seq))
            for datagram in at.pack_datagrams(commands):
                try:
                    self._sock.send(datagram)
                    self.sent_datagrams += 1
                except OSError:
                    pass  # UDP: an unreachable drone is noticed by navdata silence, not here

    def close(self) -> None:
        self._sock.close()
