"""`LiveServer`: the flight log's channels served live over Foxglove's WebSocket protocol (foxglove-sdk)."""

from __future__ import annotations

import foxglove

from drone_ssl.flightlog import channels
from drone_ssl.flightlog.channels import ChannelSpec
from drone_ssl.flightlog.errors import FlightLogError

LOCALHOST = "127.0.0.1"
DEFAULT_PORT = 8765  # Foxglove's default for a WebSocket connection


class LiveServer:
    """A Foxglove WebSocket server with the log's channels (same topics, schemas and bytes). Bound to this
    machine by default; `host="0.0.0.0"` opens it to the ground station's network. `port=0` picks a free port.
    Messages on channels nobody subscribes to cost almost nothing."""

    def __init__(self, host: str = LOCALHOST, port: int = DEFAULT_PORT, name: str = "drone_ssl") -> None:
        self._context = foxglove.Context()  # its own context: nothing else logged in this process leaks in
        try:
            self._server = foxglove.start_server(name=name, host=host, port=port, context=self._context)
        except Exception as e:  # the SDK raises its own error type for a taken port or a bad address
            raise FlightLogError(
                f"cannot serve the live view on {host}:{port}: {e}; pick another port with --live-port"
            ) from e
        self.host = host
        self.port = int(self._server.port)  # the one picked when asked for port 0
        self.url = f"ws://{host}:{self.port}"
        self._stopped = False
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

    def publish(self, spec: ChannelSpec, log_time_ns: int, data: bytes) -> None:
        self._channels[spec.topic].log(data, log_time=log_time_ns)

    def close(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._server.stop()

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
