"""The emulator's configuration port (TCP): on CTRL 4 every connected client gets the dump, in several segments."""

from __future__ import annotations

import socket
import threading

from drone_ssl_bridge.ardrone2.protocol.config_readback import encode_config_text
from drone_ssl_emulator.flight_state import FlightStateMachine
from drone_ssl_emulator.socket_service import SocketService

SEGMENT_BYTES = 256  # a real drone's dump arrives in pieces: clients must reassemble


class ConfigServer(SocketService):
    def __init__(self, machine: FlightStateMachine, host: str, port: int) -> None:
        self._machine = machine
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        super().__init__(socket.SOCK_STREAM, host, port, "config")
        self._sock.listen(4)
        self._sock.settimeout(0.05)

    def close(self) -> None:
        super().close()
        with self._lock:
            for client in self._clients:
                client.close()
            self._clients.clear()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._accept()
            if self._machine.config_requested:
                self._machine.config_requested = False
                self._accept()  # a client that connected just before asking must get the dump too
                self._send_dump(encode_config_text(dict(self._machine.config)))

    def _accept(self) -> None:
        try:
            client, _ = self._sock.accept()
        except OSError:
            return
        client.settimeout(1.0)
        with self._lock:
            self._clients.append(client)

    def _send_dump(self, dump: bytes) -> None:
        with self._lock:
            for client in list(self._clients):
                try:
                    for start in range(0, len(dump), SEGMENT_BYTES):
                        client.sendall(dump[start : start + SEGMENT_BYTES])
                except OSError:
                    client.close()
                    self._clients.remove(client)
