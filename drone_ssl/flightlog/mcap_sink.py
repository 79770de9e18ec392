"""The MCAP file of one flight: header, config and model versions, channels, and messages in ~1 s chunks."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from pathlib import Path

from mcap.exceptions import UnsupportedCompressionError
from mcap.writer import CompressionType, Writer

from drone_ssl import __version__
from drone_ssl.flightlog import channels
from drone_ssl.flightlog.channels import ChannelSpec
from drone_ssl.flightlog.errors import FlightLogError

LIBRARY = f"drone_ssl.flightlog {__version__}"
# 1: log time = flight time, images as JSON CompressedImage, depth as 16-bit PNG.
# 2: log time = wall clock (LOG_TIME_ORIGIN + flight time), Foxglove types in their official protobuf schemas.
FORMAT_VERSION = "2"
LOG_TIME_ORIGIN = "log_time_origin_ns"  # flight metadata: the wall-clock time (ns) of flight time 0
CONFIG_ATTACHMENT = "config.yaml"
FLIGHT_METADATA = "drone_ssl.flight"
MODELS_METADATA = "drone_ssl.models"
# Channel ids by topic, outside any chunk: the channel records live in the first chunk only, and a reader that
# loses that chunk can still tell which topic each later message is on.
CHANNELS_METADATA = "drone_ssl.channels"
# Chunks close on our clock, not on size; this cap only bounds memory if a second of data is unexpectedly huge.
MAX_CHUNK_BYTES = 16 * 1024 * 1024
# zstd wins back most of what base64 costs the JSON-encoded images (lz4 cannot: it has no entropy coder).
COMPRESSIONS = {"zstd": CompressionType.ZSTD, "lz4": CompressionType.LZ4, "none": CompressionType.NONE}


def metadata_strings(values: Mapping[str, object]) -> dict[str, str]:
    """MCAP metadata holds strings: strings as they are, anything else as JSON."""
    return {str(k): v if isinstance(v, str) else json.dumps(v, default=str) for k, v in values.items()}


class McapSink:
    """Owns the file and the mcap writer; one thread only. A chunk is closed and handed to the OS once it holds
    `chunk_period_s` of flight time or has been open that long on the wall clock, so a killed process loses at
    most about that much."""

    def __init__(
        self,
        path: Path,
        config_yaml: str,
        model_versions: Mapping[str, object],
        metadata: Mapping[str, object],
        chunk_period_s: float = 1.0,
        compression: str = "zstd",
    ) -> None:
        if compression not in COMPRESSIONS:
            raise FlightLogError(f"flight log compression {compression!r} is unknown; use one of {list(COMPRESSIONS)}")
        if not chunk_period_s > 0:
            raise FlightLogError(f"flight log chunk period {chunk_period_s!r} s must be > 0 (about 1 s is the goal)")
        self.path = path
        self._period_ns = int(chunk_period_s * 1e9)
        self._period_s = chunk_period_s
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(path, "wb")  # noqa: SIM115 - held open for the whole flight, closed in close()
        except OSError as e:
            raise FlightLogError(f"cannot create flight log {path}: {e.strerror}; check the folder is writable") from e
        try:
            self._writer = Writer(self._file, chunk_size=MAX_CHUNK_BYTES, compression=COMPRESSIONS[compression])
            self._ids = self._start(config_yaml, model_versions, metadata)
        except (OSError, UnsupportedCompressionError) as e:
            with contextlib.suppress(OSError):  # closing flushes what did not fit: it fails again on a full disk
                self._file.close()
            with contextlib.suppress(OSError):
                path.unlink()  # a log without its header is no log: absent, not a stub
            raise FlightLogError(
                f"cannot start flight log {path}: {e}; check the disk, or install mcap's lz4 and zstandard"
            ) from e
        self._pending = 0  # messages in the open chunk
        self._chunks = 0
        self._chunk_first_ns = 0
        self._chunk_opened = time.monotonic()

    def _start(
        self, config_yaml: str, model_versions: Mapping[str, object], metadata: Mapping[str, object]
    ) -> dict[str, int]:
        """Header, config, versions and channel definitions, handed to the OS at once: the file is a log from
        its first moment. Returns the channel id of each topic."""
        self._writer.start(profile="", library=LIBRARY)
        self._writer.add_attachment(0, 0, CONFIG_ATTACHMENT, "application/yaml", config_yaml.encode("utf-8"))
        self._writer.add_metadata(FLIGHT_METADATA, {**metadata_strings(metadata), "log_format": FORMAT_VERSION})
        self._writer.add_metadata(MODELS_METADATA, metadata_strings(model_versions))
        ids: dict[str, int] = {}
        for spec in channels.ALL:
            schema_id = self._writer.register_schema(spec.schema_name, spec.schema_encoding, spec.schema_data())
            ids[spec.topic] = self._writer.register_channel(spec.topic, spec.message_encoding, schema_id, spec.metadata)
        self._writer.add_metadata(CHANNELS_METADATA, {str(i): topic for topic, i in ids.items()})
        self._file.flush()
        return ids

    def write(self, spec: ChannelSpec, log_time_ns: int, sequence: int, data: bytes) -> None:
        if self._pending == 0:
            self._chunk_first_ns = log_time_ns
            self._chunk_opened = time.monotonic()
        self._writer.add_message(self._ids[spec.topic], log_time_ns, data, log_time_ns, sequence % 2**32)
        self._pending += 1

    def flush_if_due(self, log_time_ns: int) -> None:
        """Close the chunk once it spans a period of flight time or of wall time (a simulator slower than real
        time), and the first chunk (it holds the channel definitions) at once."""
        if not self._pending:
            return
        flight_due = log_time_ns - self._chunk_first_ns >= self._period_ns
        if self._chunks == 0 or flight_due or time.monotonic() - self._chunk_opened >= self._period_s:
            self.flush()

    def seconds_until_wall_flush(self) -> float | None:
        """Wall seconds before the open chunk is due on the wall clock; None while it is empty."""
        if not self._pending:
            return None
        return max(0.0, self._period_s - (time.monotonic() - self._chunk_opened))

    def flush(self) -> None:
        """Close the open chunk and hand it to the OS (no fsync: a killed process is the case, not power loss)."""
        self._writer.flush()
        self._pending = 0
        self._chunks += 1

    def close(self) -> None:
        try:
            self._writer.finish()
        finally:
            self._file.close()
