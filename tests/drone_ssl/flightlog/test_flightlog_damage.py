"""Truncated, bit-flipped, garbage, empty and foreign files: a clear FlightLogError or partial recovery, no hang."""

from __future__ import annotations

import random
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from flightlog_fixtures import Deadline, Flight

from drone_ssl.flightlog import FlightLogError, FlightLogReader, LoggedFrame

READ_LIMIT_S = 20.0


def damaged(tmp_path: Path, data: bytes, name: str = "damaged.mcap") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_all(path: Path, deadline: Deadline) -> tuple[list[LoggedFrame], object]:
    """Every frame the reader recovers and its report; FlightLogError propagates."""
    with deadline(READ_LIMIT_S):
        reader = FlightLogReader(path)
        frames = list(reader.frames())
    return frames, reader.report


def assert_true_frames(frames: list[LoggedFrame], flight: Flight) -> None:
    """Whatever is recovered is exactly what was logged, never made-up data."""
    for frame in frames:
        want = flight.frames[frame.index].observation
        np.testing.assert_array_equal(frame.left, want.left)
        assert frame.state == want.state


def test_an_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FlightLogError, match=r"is empty \(0 bytes\)"):
        FlightLogReader(damaged(tmp_path, b""))


@pytest.mark.parametrize("data", [b"garbage", b"x" * 5000, b"%PDF-1.4\n" + bytes(range(256)) * 20])
def test_a_file_that_is_not_mcap_is_a_clear_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(FlightLogError, match="is not an MCAP flight log"):
        FlightLogReader(damaged(tmp_path, data))


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FlightLogError, match="cannot open flight log"):
        FlightLogReader(tmp_path / "nope.mcap")


def test_truncation_at_any_offset_recovers_a_growing_prefix(
    tmp_path: Path, shared_flight: Flight, deadline: Deadline
) -> None:
    data = shared_flight.path.read_bytes()
    rng = random.Random(5)
    offsets = sorted({*range(0, 400, 7), *rng.sample(range(400, len(data)), 60), len(data) - 1})
    previous = 0
    for offset in offsets:
        path = damaged(tmp_path, data[:offset])
        try:
            frames, report = read_all(path, deadline)
        except FlightLogError as e:
            assert offset < 8, f"cut at {offset}: {e}"  # only a file cut inside its magic bytes is not a log
            continue
        assert [f.index for f in frames] == list(range(len(frames))), f"cut at {offset}: not a prefix"
        # Cut after the data-end record only the index is gone: the data are complete.
        assert report.truncated != report.complete and len(frames) >= previous
        assert not report.complete or len(frames) == len(shared_flight.frames)
        assert report.chunks_skipped == 0 and report.messages_skipped == 0
        assert_true_frames(frames, shared_flight)
        previous = len(frames)
    assert previous == len(shared_flight.frames)


def top_level_records(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, opcode, length) of each record of an intact file, to aim damage at its structure."""
    records, pos = [], 8
    while pos < len(data) - 8:
        opcode, length = struct.unpack_from("<BQ", data, pos)
        records.append((pos, opcode, length))
        pos += 9 + length
    return records


def flip_bits(data: bytes, trials: int, seed: int) -> Iterator[tuple[bytes, int]]:
    """Copies with 1-3 flipped bits, half anywhere, half in record headers (lengths, opcodes, chunk fields)."""
    rng = random.Random(seed)
    records = top_level_records(data)
    for trial in range(trials):
        corrupt = bytearray(data)
        flips = 1 + trial % 3
        for _ in range(flips):
            if trial % 2:
                start, _, length = rng.choice(records)
                position = start + rng.randrange(min(60, 9 + length))
            else:
                position = rng.randrange(len(data))
            corrupt[position] ^= 1 << rng.randrange(8)
        yield bytes(corrupt), flips


def check_bit_flips(tmp_path: Path, flight: Flight, deadline: Deadline, trials: int, seed: int) -> None:
    outcomes = {"error": 0, "partial": 0, "intact": 0}
    for corrupt, flips in flip_bits(flight.path.read_bytes(), trials, seed):
        try:
            frames, report = read_all(damaged(tmp_path, corrupt), deadline)
        except FlightLogError:
            outcomes["error"] += 1  # only the magic bytes can make a file unreadable as a whole
            assert corrupt[:8] != flight.path.read_bytes()[:8]
            continue
        assert_true_frames(frames, flight)
        indexes = [f.index for f in frames]
        assert indexes == sorted(set(indexes))
        lost = len(frames) < len(flight.frames)
        outcomes["partial" if lost or report.warnings else "intact"] += 1
        if lost:
            assert report.warnings > 0 or report.truncated, "frames went missing without a warning"
            assert len(frames) >= len(flight.frames) - 11 * flips  # at most a chunk (~1 s, 11 frames) per bit
    assert outcomes["partial"] > 0


def test_bit_flips_give_partial_recovery_or_a_clear_error(
    tmp_path: Path, shared_flight: Flight, deadline: Deadline
) -> None:
    check_bit_flips(tmp_path, shared_flight, deadline, trials=60, seed=11)


@pytest.mark.slow
def test_many_bit_flips(tmp_path: Path, shared_flight: Flight, deadline: Deadline) -> None:
    check_bit_flips(tmp_path, shared_flight, deadline, trials=2000, seed=12)


def test_losing_the_first_chunk_keeps_the_rest(tmp_path: Path, shared_flight: Flight, deadline: Deadline) -> None:
    """The first chunk holds the channel definitions; a copy in the metadata keeps later chunks readable."""
    data = bytearray(shared_flight.path.read_bytes())
    start, _, length = next(r for r in top_level_records(bytes(data)) if r[1] == 0x06)
    data[start + 9 + length // 2] ^= 0xFF
    frames, report = read_all(damaged(tmp_path, bytes(data)), deadline)
    assert [f.index for f in frames] == list(range(1, len(shared_flight.frames)))  # frame 0 had a chunk to itself
    assert report.chunks_skipped == 1 and report.complete


def test_garbage_overwriting_the_middle_loses_only_the_damaged_chunks(
    tmp_path: Path, shared_flight: Flight, deadline: Deadline
) -> None:
    data = bytearray(shared_flight.path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 3000] = np.random.default_rng(3).integers(0, 256, 3000, dtype=np.uint8).tobytes()
    frames, report = read_all(damaged(tmp_path, bytes(data)), deadline)
    assert_true_frames(frames, shared_flight)
    indexes = [f.index for f in frames]
    assert indexes[0] == 0 and indexes[-1] == len(shared_flight.frames) - 1  # the reader found its way past it
    assert 20 <= len(frames) < len(shared_flight.frames)
    assert report.warnings > 0 and not report.clean
    assert "problems skipped" in report.summary()


def test_a_huge_length_field_does_not_exhaust_memory(tmp_path: Path, shared_flight: Flight, deadline: Deadline) -> None:
    data = bytearray(shared_flight.path.read_bytes())
    # The first record after the magic is the header: give it a length of 2**63.
    data[9:17] = (2**63).to_bytes(8, "little")
    frames, report = read_all(damaged(tmp_path, bytes(data)), deadline)
    assert len(frames) == len(shared_flight.frames) and report.corrupt_regions == 1
