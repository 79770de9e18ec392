"""`LiveServer`: the flight log's channels served live over Foxglove's WebSocket protocol (foxglove-sdk)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

import foxglove
from foxglove.websocket import Capability, Service, ServiceRequest, ServiceSchema

from drone_ssl.flightlog import channels
from drone_ssl.flightlog.channels import ChannelSpec
from drone_ssl.flightlog.errors import FlightLogError

LOCALHOST = "127.0.0.1"
DEFAULT_PORT = 8765  # Foxglove's default for a WebSocket connection
SUBPROTOCOL = "foxglove.sdk.v1"  # the only one foxglove-sdk's server accepts (it has no option for another)
QUIT_SERVICE = "/drone_ssl/quit"  # a viewer calls it (Foxglove's Service Call panel) to end the linger
# Latched channels are sent again this often, so a viewer that connects late still gets the room.
LATCH_PERIOD_S = 2.0
_SDK_LOGGER = "foxglove.websocket.server"  # where the SDK reports each refused handshake, once per attempt
_REFUSED = re.compile(r"Dropping client (?P<host>[^\s:]+|\[[^\]]+\]):\d+: handshake failed")


class _RefusedClients(logging.Filter):
    """Turns the SDK's line per refused handshake (a viewer retries every few seconds) into one line per host."""

    def __init__(self, notify: Callable[[str], None]) -> None:
        super().__init__()
        self.notify = notify
        self.hosts: list[str] = []
        self.attempts = 0  # every refused handshake, told or not

    def filter(self, record: logging.LogRecord) -> bool:
        match = _REFUSED.search(record.getMessage())
        if match is None:
            return True
        host = match["host"]
        self.attempts += 1
        if host not in self.hosts:
            self.hosts.append(host)
            self.notify(
                f"live: refused a viewer at {host}: its WebSocket handshake failed, most often an older client "
                f"speaking foxglove.websocket.v1 (this server speaks {SUBPROTOCOL}); see the README's live clients"
            )
        return False


class LiveServer:
    """A Foxglove WebSocket server with the log's channels (same topics, schemas and bytes). Bound to this
    machine by default; `host="0.0.0.0"` opens it to the ground station's network. `port=0` picks a free port.
    Messages on channels nobody subscribes to cost almost nothing. The room (/scene) is latched: sent again
    every `LATCH_PERIOD_S` for viewers that connect late. A viewer ends `wait_for_quit` by calling the
    `QUIT_SERVICE`; `notify` gets one line per host whose handshake is refused (instead of one per attempt)."""

    def __init__(
        self,
        host: str = LOCALHOST,
        port: int = DEFAULT_PORT,
        name: str = "drone_ssl",
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self._context = foxglove.Context()  # its own context: nothing else logged in this process leaks in
        self._quit = threading.Event()
        self._stopped = threading.Event()
        self._refused = _RefusedClients(notify or (lambda line: None))
        logging.getLogger(_SDK_LOGGER).addFilter(self._refused)
        quit_service = Service(name=QUIT_SERVICE, schema=ServiceSchema(name="drone_ssl.Quit"), handler=self._on_quit)
        try:
            self._server = foxglove.start_server(
                name=name, host=host, port=port, context=self._context, capabilities=[Capability.Services],
                supported_encodings=["json"], services=[quit_service],
            )  # fmt: skip
        except Exception as e:  # the SDK raises its own error type for a taken port or a bad address
            logging.getLogger(_SDK_LOGGER).removeFilter(self._refused)
            raise FlightLogError(
                f"cannot serve the live view on {host}:{port}: {e}; pick another port with --live-port"
            ) from e
        self.host = host
        self.port = int(self._server.port)  # the one picked when asked for port 0
        self.url = f"ws://{host}:{self.port}"
        self._channels = {
            spec.topic: foxglove.Channel(
                spec.topic,
                schema=foxglove.Schema(name=spec.schema_name, encoding=spec.schema_encoding, data=spec.schema_data()),
                message_encoding=spec.message_encoding,
                context=self._context,
                metadata=spec.metadata,
            )
            for spec in channels.ALL
        }
        self._latched: dict[str, tuple[int, bytes]] = {}
        self._lock = threading.Lock()
        self._relatch = threading.Thread(target=self._republish, name="live-latch", daemon=True)
        self._relatch.start()

    @property
    def refused(self) -> tuple[list[str], int]:
        """The hosts whose handshake was refused (each once, in order) and how many handshakes were."""
        return list(self._refused.hosts), self._refused.attempts

    def publish(self, spec: ChannelSpec, log_time_ns: int, data: bytes) -> None:
        if spec is channels.SCENE:
            with self._lock:
                self._latched[spec.topic] = (log_time_ns, data)
        self._channels[spec.topic].log(data, log_time=log_time_ns)

    def wait_for_quit(self, timeout_s: float, poll_s: float = 0.2, stop: Callable[[], bool] = lambda: False) -> str:
        """Serve until a viewer calls QUIT_SERVICE, `timeout_s` runs out or `stop()` says so; which one it was."""
        waited = 0.0
        while waited < timeout_s:
            if self._quit.wait(min(poll_s, timeout_s - waited)):
                return "a viewer asked to quit"
            if stop():
                return "stopped"
            waited += poll_s
        return "timed out"

    def close(self) -> None:
        if not self._stopped.is_set():
            self._stopped.set()
            self._server.stop()
            logging.getLogger(_SDK_LOGGER).removeFilter(self._refused)

    def _on_quit(self, request: ServiceRequest) -> bytes:
        self._quit.set()
        return b"{}"

    def _republish(self) -> None:
        while not self._stopped.wait(LATCH_PERIOD_S):
            with self._lock:
                latched = list(self._latched.items())
            for topic, (log_time_ns, data) in latched:
                self._channels[topic].log(data, log_time=log_time_ns)

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
