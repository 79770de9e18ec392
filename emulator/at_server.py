"""The emulator's AT command port (UDP): loss, parsing, the sequence-number rule, then the state machine."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.errors import ProtocolError
from drone_ssl_emulator.events import EventLog, WireEvent
from drone_ssl_emulator.faults import FaultyChannel
from drone_ssl_emulator.flight_state import FlightStateMachine
from drone_ssl_emulator.socket_service import SocketService


class SequenceFilter:
    """Sequence numbers must increase; older ones are ignored; 0 or 1 restarts the count (clients differ)."""

    def __init__(self) -> None:
        self.last: int | None = None

    def accept(self, seq: int) -> bool:
        if self.last is None or seq <= 1 or seq > self.last:
            self.last = seq
            return True
        return False


class AtServer(SocketService):
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
        self.bad_datagrams = 0
        self.ignored_commands = 0
        super().__init__(socket.SOCK_DGRAM, host, port, "AT")
        self._sock.settimeout(0.1)

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
