"""Configuration read-back over TCP (config port 5559): connect, ask with CTRL 4, read until the NUL byte."""

from __future__ import annotations

import socket
import time
from functools import partial
from typing import Protocol

from drone_ssl.errors import DroneError
from drone_ssl_bridge.ardrone2.at_link import CommandBuilder
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.config_readback import ConfigReadback


class _CommandSink(Protocol):
    def send_once(self, builder: CommandBuilder) -> None: ...


def read_config(host: str, port: int, commands: _CommandSink, timeout: float = 5.0) -> dict[str, str]:
    """The drone's configuration as {'section:key': 'value'}; raises DroneError on timeout or refusal."""
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            commands.send_once(partial(at.ctrl, mode=at.CtrlMode.CONFIG_GET))
            reader = ConfigReadback()
            while (remaining := deadline - time.monotonic()) > 0:
                sock.settimeout(remaining)
                chunk = sock.recv(4096)
                if not chunk:
                    break
                config = reader.feed(chunk)
                if config is not None:
                    return config
    except OSError as exc:
        raise DroneError(f"cannot read the configuration from {host}:{port} ({exc}); is the drone connected?") from exc
    raise DroneError(f"the configuration from {host}:{port} did not arrive complete within {timeout:g} s")
