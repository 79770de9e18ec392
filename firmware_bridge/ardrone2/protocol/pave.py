"""PaVE video framing (TCP 5555): header parsing and reassembly of H.264 frames from the byte stream."""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from enum import IntEnum

from drone_ssl_bridge.errors import PaveParseError

SIGNATURE = b"PaVE"
CODEC_H264 = 4
CONTROL_ADVERTISEMENT = 1  # control bit 0: a header announcing a frame, with no payload
MAX_PAYLOAD_BYTES = 4 << 20  # larger than any 720p frame; a bigger value means the stream is out of sync

# 0 signature · 4 version · 5 codec · 6 header_size · 8 payload_size · 12/14 encoded w/h · 16/18 display w/h
# 20 frame_number · 24 timestamp ms · 28 total_chunks · 29 chunk_index · 30 frame_type · 31 control
# 32/36 stream byte position · 40 stream_id · 42 total_slices · 43 slice_index · 44/45 SPS/PPS sizes
# 46 reserved · 48 advertised_size · 52 reserved up to 64 (some firmwares send 68: always skip header_size)
_HEADER = struct.Struct("<4sBBHIHHHHIIBBBBIIHBBBB2sI12s")
MIN_HEADER_BYTES = _HEADER.size  # 64


class FrameType(IntEnum):
    IDR = 1
    I = 2  # noqa: E741 - the name H.264 uses
    P = 3
    HEADERS = 4


@dataclass(frozen=True)
class PaveHeader:
    version: int
    codec: int
    header_size: int
    payload_size: int
    encoded_width: int
    encoded_height: int
    display_width: int
    display_height: int
    frame_number: int
    timestamp_ms: int
    total_chunks: int
    chunk_index: int
    frame_type: int
    control: int
    stream_id: int = 0
    total_slices: int = 1
    slice_index: int = 0

    @property
    def is_advertisement(self) -> bool:
        return bool(self.control & CONTROL_ADVERTISEMENT)


@dataclass(frozen=True)
class PaveFrame:
    header: PaveHeader
    payload: bytes  # Annex-B H.264

    @property
    def is_keyframe(self) -> bool:
        return self.header.frame_type in (FrameType.IDR, FrameType.I)


def parse_header(data: bytes) -> PaveHeader:
    """Parse the header at the start of `data` (at least 64 bytes); raises PaveParseError."""
    if len(data) < MIN_HEADER_BYTES:
        raise PaveParseError(f"{len(data)} bytes is shorter than a PaVE header ({MIN_HEADER_BYTES})")
    f = _HEADER.unpack_from(data)
    if f[0] != SIGNATURE:
        raise PaveParseError(f"bad signature {f[0]!r}, expected {SIGNATURE!r}")
    header = PaveHeader(
        version=f[1],
        codec=f[2],
        header_size=f[3],
        payload_size=f[4],
        encoded_width=f[5],
        encoded_height=f[6],
        display_width=f[7],
        display_height=f[8],
        frame_number=f[9],
        timestamp_ms=f[10],
        total_chunks=f[11],
        chunk_index=f[12],
        frame_type=f[13],
        control=f[14],
        stream_id=f[17],
        total_slices=f[18],
        slice_index=f[19],
    )
    if header.header_size < MIN_HEADER_BYTES:
        raise PaveParseError(f"header_size {header.header_size} is below {MIN_HEADER_BYTES}")
    if header.payload_size > MAX_PAYLOAD_BYTES:
        raise PaveParseError(f"payload_size {header.payload_size} is implausible; the stream is out of sync")
    return header


def encode_frame(
    payload: bytes,
    frame_number: int,
    frame_type: FrameType,
    width: int,
    height: int,
    timestamp_ms: int = 0,
    header_size: int = 64,
    chunk: tuple[int, int] = (1, 0),
) -> bytes:
    """A PaVE header (padded to `header_size`) followed by the payload, as the drone sends a frame or a chunk."""
    if header_size < MIN_HEADER_BYTES:
        raise PaveParseError(f"header_size {header_size} is below {MIN_HEADER_BYTES}")
    total_chunks, chunk_index = chunk
    head = _HEADER.pack(
        SIGNATURE, 2, CODEC_H264, header_size, len(payload), width, height, width, height, frame_number,
        timestamp_ms, total_chunks, chunk_index, int(frame_type), 0, 0, 0, 0, 1, 0, 0, 0, b"\0\0", 0, bytes(12),
    )  # fmt: skip
    return head + bytes(header_size - len(head)) + payload


class PaveReassembler:
    """Feed it TCP bytes in any split; it returns complete frames and resynchronises after garbage."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._chunks: list[bytes] = []
        self._chunk_header: PaveHeader | None = None
        self.skipped_bytes = 0  # bytes dropped while searching for a signature

    def feed(self, data: bytes) -> list[PaveFrame]:
        self._buf += data
        frames: list[PaveFrame] = []
        while True:
            start = self._buf.find(SIGNATURE)
            if start < 0:
                keep = len(SIGNATURE) - 1  # a signature may straddle two reads
                self.skipped_bytes += max(0, len(self._buf) - keep)
                del self._buf[: max(0, len(self._buf) - keep)]
                return frames
            if start:
                self.skipped_bytes += start
                del self._buf[:start]
            if len(self._buf) < MIN_HEADER_BYTES:
                return frames
            try:
                header = parse_header(bytes(self._buf[:MIN_HEADER_BYTES]))
            except PaveParseError:
                self.skipped_bytes += 1
                del self._buf[:1]  # a false signature inside the payload: look for the next one
                continue
            end = header.header_size + (0 if header.is_advertisement else header.payload_size)
            if len(self._buf) < end:
                return frames
            payload = bytes(self._buf[header.header_size : end])
            del self._buf[:end]
            if not header.is_advertisement:
                frame = self._assemble(header, payload)
                if frame is not None:
                    frames.append(frame)

    def _assemble(self, header: PaveHeader, payload: bytes) -> PaveFrame | None:
        if header.total_chunks <= 1:
            return PaveFrame(header, payload)
        if header.chunk_index == 0:
            self._chunks, self._chunk_header = [], header  # a new frame: an incomplete earlier one is dropped
        elif (
            self._chunk_header is None
            or self._chunk_header.frame_number != header.frame_number
            or len(self._chunks) != header.chunk_index
        ):
            self._chunks, self._chunk_header = [], None  # a chunk went missing: this frame cannot be rebuilt
            return None
        self._chunks.append(payload)
        if header.chunk_index + 1 < header.total_chunks:
            return None
        first, whole = self._chunk_header, b"".join(self._chunks)
        self._chunks, self._chunk_header = [], None
        return PaveFrame(replace(first, payload_size=len(whole)), whole)
