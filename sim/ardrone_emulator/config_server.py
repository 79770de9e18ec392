"""The emulator's configuration port (TCP): on CTRL 4 every connected client gets the dump, in several segments."""

from __future__ import annotations

import socket
import threading

from drone_ssl.errors import SimError
from firmware_bridge.protocol.config_readback import encode_config_text
from sim.ardrone_emulator.flight_state import FlightStateMachine

SEGMENT_BYTES = 256  # a real drone's dump arrives in pieces: clients must reassemble


class ConfigServer:
    def __init__(self, machine: FlightStateMachine, host: str, port: int) -> None:
        self._machine = machine
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise SimError(
                f"cannot bind the config port {host}:{port} ({exc.strerror}); is another emulator running?"
            ) from exc
        self._sock.listen(4)
        self._sock.settimeout(0.05)
        self._thread = threading.Thread(target=self._run, name="emulator-config", daemon=True)

    @property
    def port(self) -> int:
        return self._sock.getsockname()[1]

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        with self._lock:
            for client in self._clients:
                client.close()
            self._clients.clear()
        self._sock.close()

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
