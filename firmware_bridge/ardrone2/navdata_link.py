"""The navdata channel (UDP 5554): handshake, a receive thread, and the latest valid packet with its arrival time."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable

from drone_ssl.errors import DroneError
from drone_ssl_bridge.ardrone2.protocol.navdata import HANDSHAKE, Navdata, decode_navdata
from drone_ssl_bridge.errors import NavdataParseError

RECV_TIMEOUT_S = 0.05
HANDSHAKE_EVERY_S = 0.1  # while no packet arrives, as the SDK does
SEQUENCE_RESET_GAP = 10_000  # a jump back this far is a rebooted drone, not a late packet


class NavdataLink:
    """Receives navdata in its own thread; `latest()` gives (packet, monotonic arrival time) or (None, None)."""

    def __init__(self, host: str, port: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._latest: Navdata | None = None
        self._arrived: float | None = None
        self._stop = threading.Event()
        self.bad_packets = 0  # corrupted or malformed, dropped
        self.late_packets = 0  # older than one already seen, dropped
        try:
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._sock.connect((host, port))  # the drone answers from its 5554 to the port we send from
            self._sock.settimeout(RECV_TIMEOUT_S)
        except OSError as exc:
            raise DroneError(f"cannot open the navdata socket to {host}:{port} ({exc}); check bridge.host") from exc
        self._thread = threading.Thread(target=self._run, name="navdata", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def latest(self) -> tuple[Navdata | None, float | None]:
        with self._cond:
            return self._latest, self._arrived

    def wait_for(self, predicate: Callable[[Navdata], bool], timeout: float) -> Navdata | None:
        """Block until a packet satisfying `predicate` arrives (or one already has); None on timeout."""
        deadline = self._clock() + timeout
        with self._cond:
            while self._latest is None or not predicate(self._latest):
                remaining = deadline - self._clock()
                if remaining <= 0 or self._stop.is_set():
                    return None
                self._cond.wait(min(remaining, RECV_TIMEOUT_S))
            return self._latest

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1.0)
        self._sock.close()

    def _run(self) -> None:
        last_handshake = -1e9
        while not self._stop.is_set():
            now = self._clock()
            silent = self._arrived is None or now - self._arrived > HANDSHAKE_EVERY_S * 5
            if silent and now - last_handshake >= HANDSHAKE_EVERY_S:
                self._send_handshake()
                last_handshake = now
            try:
                data = self._sock.recv(8192)
            except (TimeoutError, ConnectionRefusedError, OSError):
                continue  # nothing yet, or no drone listening (ICMP unreachable on a connected socket)
            self._accept(data)

    def _send_handshake(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.send(HANDSHAKE)

    def _accept(self, data: bytes) -> None:
        try:
            nav = decode_navdata(data)
        except NavdataParseError:
            self.bad_packets += 1
            return
        with self._cond:
            previous = self._latest
            if previous is not None and nav.sequence <= previous.sequence < nav.sequence + SEQUENCE_RESET_GAP:
                self.late_packets += 1
                return
            self._latest, self._arrived = nav, self._clock()
            self._cond.notify_all()
