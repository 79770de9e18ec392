"""`LiveSubscriber`: a minimal Foxglove WebSocket client (needs `websockets`), for tests and benchmarks."""

from __future__ import annotations

import contextlib
import json
import struct
import threading
import time
from collections.abc import Iterable

SUBPROTOCOL = "foxglove.sdk.v1"  # the revision of Foxglove's WebSocket protocol foxglove-sdk servers speak
MESSAGE_DATA = 0x01  # server -> client binary opcode: subscription id, log time, payload


class LiveSubscriber:
    """Connects, waits for the topics to be advertised, subscribes, then collects (topic, log time, payload)."""

    def __init__(self, url: str, topics: Iterable[str], timeout_s: float = 5.0) -> None:
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect  # a test and benchmark dependency only

        self._closed_errors = (TimeoutError, ConnectionClosed)

        self.topics = tuple(topics)
        self._exit = contextlib.ExitStack()
        self._ws = self._exit.enter_context(connect(url, subprotocols=[SUBPROTOCOL], open_timeout=timeout_s))
        self.channels: dict[str, dict] = {}
        deadline = time.monotonic() + timeout_s
        while not set(self.topics) <= set(self.channels):
            message = json.loads(self._ws.recv(timeout=max(0.0, deadline - time.monotonic())))
            if message.get("op") == "advertise":
                self.channels.update({c["topic"]: c for c in message["channels"]})
        subscriptions = [{"id": i, "channelId": self.channels[t]["id"]} for i, t in enumerate(self.topics)]
        self._ws.send(json.dumps({"op": "subscribe", "subscriptions": subscriptions}))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.received: dict[str, int] = dict.fromkeys(self.topics, 0)

    def poll(self, seconds: float) -> list[tuple[str, int, bytes]]:
        """The messages that arrive within `seconds` (fewer if the server closes the connection)."""
        out: list[tuple[str, int, bytes]] = []
        deadline = time.monotonic() + seconds
        try:
            while True:
                data = self._ws.recv(timeout=max(0.0, deadline - time.monotonic()))
                if isinstance(data, bytes) and data and data[0] == MESSAGE_DATA:
                    subscription, log_time = struct.unpack_from("<IQ", data, 1)
                    topic = self.topics[subscription]
                    self.received[topic] += 1
                    out.append((topic, log_time, data[13:]))
        except self._closed_errors:  # time is up, or the server has gone
            return out

    def start_counting(self) -> None:
        """Receive in a background thread, counting messages per topic (`received`), until close()."""

        def run() -> None:
            while not self._stop.is_set():
                self.poll(0.1)

        self._thread = threading.Thread(target=run, name="live-subscriber", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._exit.close()

    def __enter__(self) -> LiveSubscriber:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
