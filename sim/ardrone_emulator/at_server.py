"""The emulator's AT command port (UDP): loss, parsing, the sequence-number rule, then the state machine."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from drone_ssl.errors import SimError
from firmware_bridge.errors import ProtocolError
from firmware_bridge.protocol import at
from sim.ardrone_emulator.events import EventLog, WireEvent
from sim.ardrone_emulator.faults import FaultyChannel
from sim.ardrone_emulator.flight_state import FlightStateMachine


class SequenceFilter:
    """Sequence numbers must increase; older ones are ignored; 0 or 1 restarts the count (clients differ)."""

    def __init__(self) -> None:
        self.last: int | None = None

    def accept(self, seq: int) -> bool:
        if self.last is None or seq <= 1 or seq > self.last:
            self.last = seq
            return True
        return False


class AtServer:
    def __init__(
        self,
        machine: FlightStateMachine,
        channel: FaultyChannel,
        events: EventLog,
        host: str,
        port: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._machine = machine
        self._channel = channel
        self._events = events
        self._clock = clock
        self._filter = SequenceFilter()
        self._stop = threading.Event()
        self.bad_datagrams = 0
        self.ignored_commands = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self._sock.bind((host, port))
        except OSError as exc:
            self._sock.close()
            raise SimError(
                f"cannot bind the AT port {host}:{port} ({exc.strerror}); is another emulator running?"
            ) from exc
        self._sock.settimeout(0.1)
        self._thread = threading.Thread(target=self._run, name="emulator-at", daemon=True)

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

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, _ = self._sock.recvfrom(4096)
            except OSError:
                continue
            if not self._channel.drop_incoming():
                self.handle(data)

    def handle(self, data: bytes) -> None:
        now = self._clock()
        try:
            commands = at.parse_datagram(data)
        except ProtocolError:
            self.bad_datagrams += 1  # a real drone drops the whole datagram
            return
        self._events.add(WireEvent(now, "at", tuple(c.name for c in commands)))
        for command in commands:
            if not self._filter.accept(command.seq):
                self.ignored_commands += 1
                continue
            try:
                self._machine.on_command(now, command)
            except ProtocolError:
                self.bad_datagrams += 1
