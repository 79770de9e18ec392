"""Stream the records of a possibly damaged MCAP file: bounded reads, CRC-checked chunks, resync past corruption.

mcap's own StreamReader stops at the first bad byte and trusts length fields (a flipped bit can ask it for
gigabytes). Here each top-level record is framed with its length checked against the file, parsed with mcap's
record classes from its own bytes only, chunks are kept only when their CRC matches, and after a damaged record
the scan jumps to the next byte pattern that is a well-formed chunk (or the data-end record). Every step moves
forward through the file, so a scan always ends.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from mcap.data_stream import ReadDataStream
from mcap.exceptions import UnsupportedCompressionError
from mcap.opcode import Opcode
from mcap.records import Attachment, Channel, Chunk, Header, McapRecord, Message, MessageIndex, Metadata, Schema
from mcap.stream_reader import breakup_chunk

from drone_ssl.flightlog.errors import FlightLogError

MAGIC = b"\x89MCAP0\r\n"
MAX_RECORD_BYTES = 64 * 1024 * 1024  # far above a second of flight at any camera size this project uses
_BLOCK = 1024 * 1024
_DATA_END = bytes([Opcode.DATA_END]) + struct.pack("<Q", 4)
_CHUNK_COMPRESSIONS = (b"", b"lz4", b"zstd")
_LZ4_MAGIC = b"\x04\x22\x4d\x18"
_READERS = {
    Opcode.HEADER: Header.read,
    Opcode.SCHEMA: Schema.read,
    Opcode.CHANNEL: Channel.read,
    Opcode.CHUNK: Chunk.read,
    Opcode.MESSAGE_INDEX: MessageIndex.read,
    Opcode.ATTACHMENT: Attachment.read,
    Opcode.METADATA: Metadata.read,
}
# Records a data section holds; anything else before the data-end record is damage.
_DATA_OPCODES = {*_READERS, Opcode.MESSAGE, Opcode.DATA_END}


@dataclass
class ScanStats:
    """What one pass over a file met; `complete` means the writer closed the file properly."""

    complete: bool = False  # reached the data-end record
    truncated: bool = False  # the file ends inside its data: the writer was killed or the file was cut
    chunks: int = 0
    chunks_skipped: int = 0  # chunks whose CRC or contents did not check out
    records_skipped: int = 0  # other damaged records (metadata, attachment, ...)
    corrupt_regions: int = 0  # stretches of damaged bytes jumped over
    bytes_skipped: int = 0


class _DamagedError(Exception):
    """A record that does not parse or whose checksum fails; `framed` when its length is still trustworthy."""

    def __init__(self, problem: str, framed: bool) -> None:
        super().__init__(problem)
        self.framed = framed


def open_log(path: Path) -> tuple[BinaryIO, int]:
    """The open file past its magic bytes and its size; FlightLogError when it is missing, empty or not MCAP."""
    try:
        f = open(path, "rb")  # noqa: SIM115 - returned to the caller, which closes it
    except OSError as e:
        raise FlightLogError(f"cannot open flight log {path}: {e.strerror}") from e
    size = os.fstat(f.fileno()).st_size
    magic = f.read(len(MAGIC))
    if magic != MAGIC:
        f.close()
        if size == 0:
            raise FlightLogError(f"flight log {path} is empty (0 bytes): the flight wrote nothing to read")
        raise FlightLogError(f"{path} is not an MCAP flight log (its first bytes are not the MCAP magic)")
    return f, size


def iter_records(path: Path, stats: ScanStats) -> Iterator[McapRecord]:
    """Header, attachments, metadata, schemas, channels and messages in file order, damage skipped and counted."""
    f, size = open_log(path)
    with f:
        pos = len(MAGIC)
        while True:
            head = f.read(9)
            if len(head) < 9:
                stats.truncated = True
                return
            opcode, length = struct.unpack("<BQ", head)
            end = pos + 9 + length
            if opcode in _DATA_OPCODES and length <= MAX_RECORD_BYTES and end <= size:
                if opcode == Opcode.DATA_END and length == 4:
                    stats.complete = True
                    return
                records: list[McapRecord] | None
                try:
                    records = _parse(opcode, f.read(length))
                except _DamagedError as e:
                    if opcode == Opcode.CHUNK:
                        stats.chunks_skipped += 1
                    else:
                        stats.records_skipped += 1
                    records = [] if e.framed else None  # None: its length lied, the next record is not at `end`
                if records is not None:
                    pos = end
                    stats.chunks += opcode == Opcode.CHUNK
                    yield from records
                    continue
            # A damaged record header, a record whose length lied, or the file ends inside this record.
            nxt = _find_resync(f, pos + 1, size)
            if nxt is None:  # nothing readable follows: a cut file (or damage in its last bytes)
                stats.truncated = True
                return
            stats.corrupt_regions += 1
            stats.bytes_skipped += nxt - pos
            pos = nxt
            f.seek(pos)


def _parse(opcode: int, body: bytes) -> list[McapRecord]:
    """The records one top-level record holds (a chunk's messages, or itself); index records hold none."""
    stream = ReadDataStream(BytesIO(body))
    try:
        record = Message.read(stream, len(body)) if opcode == Opcode.MESSAGE else _READERS[opcode](stream)
    except Exception as e:  # any failure to parse untrusted bytes means damage, whatever mcap raised
        raise _DamagedError(str(e), framed=False) from e
    if stream.count != len(body):  # this writer adds no extension fields: a mismatch means a damaged length
        raise _DamagedError("the record's length disagrees with its contents", framed=False)
    try:
        if isinstance(record, Chunk):
            return _chunk_records(record)
        crc = struct.unpack_from("<I", body, len(body) - 4)[0] if isinstance(record, Attachment) else 0
        if crc and crc != zlib.crc32(body[:-4]):
            raise _DamagedError("attachment CRC mismatch", framed=True)
        return [] if isinstance(record, MessageIndex) else [record]
    except (_DamagedError, FlightLogError):
        raise
    except UnsupportedCompressionError as e:
        raise FlightLogError(f"flight log chunks use {e}; install the mcap package's lz4 and zstandard") from e
    except Exception as e:  # a CRC mismatch or undecodable chunk: its bytes are bad, its framing is fine
        raise _DamagedError(str(e), framed=True) from e


def _chunk_records(chunk: Chunk) -> list[McapRecord]:
    if chunk.uncompressed_size > MAX_RECORD_BYTES or chunk.compression.encode() not in _CHUNK_COMPRESSIONS:
        raise _DamagedError("implausible chunk header", framed=True)
    if chunk.compression == "lz4" and not _lz4_size_matches(chunk.data, chunk.uncompressed_size):
        raise _DamagedError("lz4 frame size disagrees with the chunk header", framed=True)
    return breakup_chunk(chunk, validate_crc=True)  # raises on a CRC mismatch


def _lz4_size_matches(data: bytes, expected: int) -> bool:
    """An LZ4 frame that declares its content size must declare the chunk's (a flipped size could ask for GBs)."""
    if len(data) < 7 or data[:4] != _LZ4_MAGIC:
        return False
    has_size = data[4] & 0x08
    return not has_size or (len(data) >= 14 and struct.unpack_from("<Q", data, 6)[0] == expected)


def _looks_like_chunk(block: bytes, i: int) -> bool:
    """Whether a chunk record starts at block[i]: its lengths agree with each other (checked by CRC later)."""
    if i + 49 > len(block):
        return False
    length, start, stop, usize, _crc, comp_len = struct.unpack_from("<QQQQII", block, i + 1)
    if comp_len > 4 or i + 49 + comp_len > len(block):
        return False
    if block[i + 41 : i + 41 + comp_len] not in _CHUNK_COMPRESSIONS:
        return False
    (data_len,) = struct.unpack_from("<Q", block, i + 41 + comp_len)
    if start > stop or data_len > MAX_RECORD_BYTES or length != 40 + comp_len + data_len:
        return False
    return comp_len > 0 or data_len == usize


def _find_resync(f: BinaryIO, start: int, size: int) -> int | None:
    """Offset of the next well-formed chunk or data-end record at or after `start`, None if there is none."""
    pos = start
    while pos < size:
        f.seek(pos)
        block = f.read(_BLOCK + 64)  # the overlap lets a record header straddle two blocks
        limit = min(_BLOCK, len(block))
        data_end = block.find(_DATA_END, 0, limit + len(_DATA_END) - 1)
        stop = limit if data_end < 0 else data_end
        i = block.find(bytes([Opcode.CHUNK]), 0, stop)
        while i >= 0:
            if _looks_like_chunk(block, i):
                return pos + i
            i = block.find(bytes([Opcode.CHUNK]), i + 1, stop)
        if data_end >= 0:
            return pos + data_end
        pos += _BLOCK
    return None
