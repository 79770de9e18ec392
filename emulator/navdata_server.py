"""The emulator's navdata port (UDP): answers the handshake, then streams packets to the sender at the mode's rate."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable
from dataclasses import replace

from drone_ssl_bridge.ardrone2.navdata_state import to_demo
from drone_ssl_bridge.ardrone2.protocol.navdata import Navdata, encode_navdata
from drone_ssl_emulator.events import EventLog, WireEvent
from drone_ssl_emulator.faults import FaultyChannel
from drone_ssl_emulator.flight_state import FlightStateMachine, NavdataMode
from drone_ssl_emulator.socket_service import SocketService


class NavdataServer(SocketService):
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
        self._client: tuple[str, int] | None = None
        self._sequence = 0
        self._frames = 0
        super().__init__(socket.SOCK_DGRAM, host, port, "navdata")

    @property
    def client(self) -> tuple[str, int] | None:
        return self._client

    def count_frame(self) -> None:
        self._frames += 1

    def _run(self) -> None:
        next_send = self._clock()
        while not self._stop.is_set():
            now = self._clock()
            self._machine.tick(now)
            if self._client is not None and now >= next_send:
                timing = self._machine.timing
                next_send = now + 1.0 / (timing.full_hz if self._machine.mode is NavdataMode.FULL else timing.demo_hz)
                if not self._channel.faults.navdata_silent:
                    self._channel.put(now, self.packet(now))
            for packet in self._channel.due(now):
                self._send(packet)
            wake = min(t for t in (next_send, self._channel.next_due(), now + 0.01) if t is not None)
            self._sock.settimeout(max(0.0005, wake - self._clock()))
            try:
                _, address = self._sock.recvfrom(1024)  # a handshake (any datagram): stream to its sender
                self._client = address
            except OSError:
                pass

    def packet(self, now: float) -> bytes:
        self._sequence += 1
        m = self._machine
        state = m.state_bits(now)
        demo = None
        if m.mode is not NavdataMode.BOOTSTRAP and m.body_state is not None:
            body = replace(m.body_state, battery=m.battery)  # the Drone seam's velocity is body-frame already
            demo = to_demo(body, m.control, self._frames)
        self._events.add(WireEvent(now, "navdata", state=state))
        return encode_navdata(Navdata(state, self._sequence, 0, demo))

    def _send(self, packet: bytes) -> None:
        with contextlib.suppress(OSError):  # the client went away; it will handshake again
            self._sock.sendto(packet, self._client)
