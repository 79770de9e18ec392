"""Configuration read-back (TCP 5559): `section:key = value` lines ending with a NUL byte, in any TCP split."""

from __future__ import annotations

from collections.abc import Mapping

from drone_ssl_bridge.errors import ProtocolError

MAX_CONFIG_BYTES = 1 << 20  # a real dump is about 10 kB; more means the stream is not a config dump


def parse_config_text(text: str) -> dict[str, str]:
    """`section:key = value` lines into {'section:key': 'value'}; blank lines are ignored."""
    config: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or ":" not in key:
            raise ProtocolError(f"config read-back line {number} is not 'section:key = value': {line[:60]!r}")
        config[key] = value.strip()
    return config


def encode_config_text(config: Mapping[str, str]) -> bytes:
    """The dump as the drone sends it (the emulator's side)."""
    return "".join(f"{key} = {value}\n" for key, value in config.items()).encode("utf-8") + b"\0"


class ConfigReadback:
    """Accumulates TCP chunks; `feed` returns the parsed config once the terminating NUL arrives."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> dict[str, str] | None:
        self._buf += data
        end = self._buf.find(b"\0")
        if end < 0:
            if len(self._buf) > MAX_CONFIG_BYTES:
                raise ProtocolError(f"config read-back passed {MAX_CONFIG_BYTES} bytes without its NUL terminator")
            return None
        text = bytes(self._buf[:end]).decode("utf-8", errors="replace")
        del self._buf[: end + 1]
        return parse_config_text(text)
