"""`FlightLogReader`: stream a flight log back as typed frames and events, recovering what a damaged file holds."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np
from mcap.records import Attachment, Channel, Message, Metadata

from drone_ssl.flightlog import channels
from drone_ssl.flightlog.encode import FLIGHT_TIME_KEY
from drone_ssl.flightlog.errors import FlightLogError
from drone_ssl.flightlog.foxglove_schemas import decode
from drone_ssl.flightlog.images import decode_png, depth_from_png16, png_of
from drone_ssl.flightlog.mcap_sink import (
    CHANNELS_METADATA,
    CONFIG_ATTACHMENT,
    FLIGHT_METADATA,
    LOG_TIME_ORIGIN,
    MODELS_METADATA,
)
from drone_ssl.flightlog.read_report import ReadReport
from drone_ssl.flightlog.record_stream import ScanStats, iter_records, open_log
from drone_ssl.flightlog.records import LoggedEvent, LoggedFrame

T = TypeVar("T")
_DECODE_ERRORS = (
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    FlightLogError,
)  # json, base64, protobuf, PNG: ValueErrors


def _png(message: object) -> bytes:
    """The PNG inside a foxglove.CompressedImage: a JSON dict (format 1 logs) or a protobuf message."""
    if isinstance(message, dict):
        return png_of(message)
    if message.format != "png":  # type: ignore[attr-defined]
        raise ValueError(f"image format {message.format!r} is not png")  # type: ignore[attr-defined]
    return bytes(message.data)  # type: ignore[attr-defined]


def _depth(message: object) -> np.ndarray:
    """Depth in metres from a 16-bit PNG (format 1) or a 16UC1 foxglove.RawImage in millimetres."""
    if isinstance(message, dict):
        return depth_from_png16(decode_png(png_of(message)))
    m = message
    if m.encoding != "16UC1" or m.step != 2 * m.width or len(m.data) != m.step * m.height:  # type: ignore[attr-defined]
        raise ValueError("depth image is not a packed 16UC1 RawImage")
    return depth_from_png16(np.frombuffer(m.data, "<u2").reshape(m.height, m.width))  # type: ignore[attr-defined]


class _Pass:
    """The state of one read: channels seen so far, the frame being assembled, and the counts."""

    def __init__(self, topics: dict[int, str], origin_ns: int | None, protobuf: bool) -> None:
        # Wall-clock time of flight time 0 (0 in format 1 logs: log time = flight time); None while unknown
        # (metadata lost to damage): then the first JSON message's own flight time gives it.
        self.origin_ns = origin_ns
        self.protobuf = protobuf  # Foxglove types in protobuf (format 2) rather than JSON (format 1)
        self.encodings: dict[int, str] = {}  # message encoding of each channel whose record was read
        self.stats = ScanStats()
        self.topics = dict(topics)  # from the metadata copy until the channel records are read
        self.frames = 0
        self.events = 0
        self.messages_skipped = 0
        self.frames_incomplete = 0
        self.key: tuple[int, int] | None = None
        self.parts: dict[str, object] = {}

    def frame(self) -> LoggedFrame | None:
        """The assembled frame (then cleared); None when there is none or it lacks its left image or state."""
        if self.key is None:
            return None
        (index, t_ns), parts = self.key, self.parts
        self.key, self.parts = None, {}
        try:
            left = decode_png(_png(parts[channels.LEFT.topic]))
            state = channels.STATE.read(parts[channels.STATE.topic])
        except _DECODE_ERRORS:
            self.frames_incomplete += 1
            return None
        frame = LoggedFrame(
            index=index,
            t=(t_ns - (self.origin_ns or 0)) / 1e9,
            left=left,
            right=self._optional(parts, channels.RIGHT, lambda p: decode_png(_png(p))),
            state=state,
            stereo=self._optional(parts, channels.STEREO, channels.STEREO.read),
            mono=self._optional(parts, channels.MONO, channels.MONO.read),
            decision=self._optional(parts, channels.PHASE, channels.PHASE.read),
            command=self._optional(parts, channels.COMMAND, channels.COMMAND.read),
            ground_truth=parts.get(channels.GROUND_TRUTH.topic),
        )
        depth = self._optional(parts, channels.STEREO_DEPTH, _depth)
        if depth is not None and frame.stereo is not None:
            frame = dataclasses.replace(frame, stereo=dataclasses.replace(frame.stereo, depth_m=depth))
        self.frames += 1
        return frame

    def _optional(self, parts: dict[str, object], spec: channels.ChannelSpec, read: Callable[[object], T]) -> T | None:
        payload = parts.get(spec.topic)
        if payload is None:
            return None
        try:
            return read(payload)
        except _DECODE_ERRORS:
            self.messages_skipped += 1
            return None

    def report(self, path: Path) -> ReadReport:
        s = self.stats
        return ReadReport(
            path=path,
            frames=self.frames,
            events=self.events,
            complete=s.complete,
            truncated=s.truncated,
            chunks_skipped=s.chunks_skipped,
            records_skipped=s.records_skipped,
            messages_skipped=self.messages_skipped,
            frames_incomplete=self.frames_incomplete,
            corrupt_regions=s.corrupt_regions,
            bytes_skipped=s.bytes_skipped,
        )


class FlightLogReader:
    """Reads one flight log written by `FlightLogWriter`, streaming: memory stays at about one chunk (~1 s).

    Opening checks the file is an MCAP log (FlightLogError if it is missing, empty or something else) and reads
    the config YAML, model versions and metadata stored at its start. `records()`, `frames()` and `events()`
    each make a fresh pass; a truncated or damaged file yields what it holds, and `report` then says how much
    was recovered and what was skipped (set when a pass ends).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        f, _ = open_log(self.path)
        f.close()
        self.config_yaml: str | None = None
        self.model_versions: dict[str, str] = {}
        self.metadata: dict[str, str] = {}
        self.report: ReadReport | None = None
        self._topics: dict[int, str] = {}
        self._read_preamble()
        self.format = self.metadata.get("log_format")  # None: the metadata was lost to damage
        self.origin_ns: int | None = 0 if self.format == "1" else None
        with contextlib.suppress(ValueError):
            self.origin_ns = int(self.metadata[LOG_TIME_ORIGIN]) if LOG_TIME_ORIGIN in self.metadata else None

    def _read_preamble(self) -> None:
        records = iter_records(self.path, ScanStats())
        for record in records:
            if isinstance(record, Attachment) and record.name == CONFIG_ATTACHMENT:
                self.config_yaml = record.data.decode("utf-8", errors="replace")
            elif isinstance(record, Metadata) and record.name == MODELS_METADATA:
                self.model_versions = dict(record.metadata)
            elif isinstance(record, Metadata) and record.name == FLIGHT_METADATA:
                self.metadata = dict(record.metadata)
            elif isinstance(record, Metadata) and record.name == CHANNELS_METADATA:
                self._topics = {int(i): topic for i, topic in record.metadata.items() if i.isdigit()}
            elif isinstance(record, (Channel, Message)):
                break  # the writer puts all of the above before the first chunk
        records.close()

    def records(self) -> Iterator[LoggedFrame | LoggedEvent]:
        """Frames and events in the order they were logged."""
        state = _Pass(self._topics, self.origin_ns, protobuf=self.format != "1")
        try:
            for record in iter_records(self.path, state.stats):
                if isinstance(record, Channel):
                    state.topics[record.id] = record.topic
                    state.encodings[record.id] = record.message_encoding
                elif isinstance(record, Message):
                    yield from self._message(state, record)
            frame = state.frame()
            if frame is not None:
                yield frame
        finally:
            self.report = state.report(self.path)

    def frames(self) -> Iterator[LoggedFrame]:
        return (r for r in self.records() if isinstance(r, LoggedFrame))

    def events(self) -> Iterator[LoggedEvent]:
        return (r for r in self.records() if isinstance(r, LoggedEvent))

    def scan(self) -> ReadReport:
        """Read the whole file (streaming) and return the report."""
        for _ in self.records():
            pass
        assert self.report is not None
        return self.report

    def _message(self, state: _Pass, message: Message) -> Iterator[LoggedFrame | LoggedEvent]:
        topic = state.topics.get(message.channel_id, "")
        if topic in channels.VIEW_ONLY:
            return  # transforms, camera models, pose and log lines: derived data for Foxglove
        spec = channels.BY_TOPIC.get(topic)
        payload: object
        try:
            if spec is None:
                raise ValueError("message on an unknown channel")
            default = "protobuf" if spec.foxglove and state.protobuf else "json"
            if state.encodings.get(message.channel_id, default) == "protobuf":
                payload = decode(spec.schema_name, message.data)
            else:
                payload = json.loads(message.data)
                if not isinstance(payload, dict):
                    raise ValueError("not a JSON object")
                flight_time = payload.pop(FLIGHT_TIME_KEY, None)
                if state.origin_ns is None and isinstance(flight_time, (int, float)):
                    state.origin_ns = message.log_time - round(flight_time * 1e9)
        except ValueError:
            state.messages_skipped += 1
            return
        key = (message.sequence, message.log_time)
        if spec.per_frame and key == state.key:
            state.parts[spec.topic] = payload
            return
        # A frame's messages are written together: anything else means the frame being assembled is complete.
        frame = state.frame()
        if frame is not None:
            yield frame
        if spec.per_frame:
            state.key, state.parts = key, {spec.topic: payload}
        else:
            state.events += 1
            t = (message.log_time - (state.origin_ns or 0)) / 1e9
            yield LoggedEvent(t, channels.EVENT_KINDS[spec.topic], payload, spec.evaluation_only)  # type: ignore[arg-type]
