"""The writer's contract: typed errors for bad input and a bad path, closing, dropping under overload."""

from __future__ import annotations

import errno
import math
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from drone_ssl.flightlog import FlightLogError, FlightLogReader, FlightLogWriter
from drone_ssl_lab.data.synthetic_log import synthetic_flight


def first_frame():
    return next(synthetic_flight(1))


def test_bad_times_and_images_are_typed_errors(tmp_path: Path) -> None:
    f = first_frame()
    with FlightLogWriter(tmp_path / "a.mcap", "", {}, {}) as log:
        for t in (-1.0, math.nan, math.inf):
            with pytest.raises(FlightLogError, match="must be a finite number of seconds >= 0"):
                log.log_frame(replace(f.observation, t=t))
        with pytest.raises(FlightLogError, match="left image must be a 2-D uint8 array"):
            log.log_frame(replace(f.observation, left=np.zeros((96, 128, 3), np.uint8)))
        with pytest.raises(FlightLogError, match="right image must be a 2-D uint8 array"):
            log.log_frame(replace(f.observation, right=np.zeros((96, 128), np.float32)))
        assert log.log_frame(f.observation)
    assert FlightLogReader(tmp_path / "a.mcap").scan().frames == 1


def test_an_unwritable_path_fails_at_once(tmp_path: Path) -> None:
    (tmp_path / "dir.mcap").mkdir()
    with pytest.raises(FlightLogError, match="cannot create flight log"):
        FlightLogWriter(tmp_path / "dir.mcap", "", {}, {})
    with pytest.raises(FlightLogError, match="compression 'bz2' is unknown"):
        FlightLogWriter(tmp_path / "b.mcap", "", {}, {}, compression="bz2")
    with pytest.raises(FlightLogError, match="chunk period 0 s must be > 0"):
        FlightLogWriter(tmp_path / "b.mcap", "", {}, {}, chunk_period_s=0)


def test_logging_after_close_is_an_error_and_close_is_idempotent(tmp_path: Path) -> None:
    log = FlightLogWriter(tmp_path / "a.mcap", "", {}, {})
    log.close()
    log.close()
    with pytest.raises(FlightLogError, match="is closed"):
        log.log_frame(first_frame().observation)


def test_the_images_are_copied_so_the_caller_may_reuse_its_buffer(tmp_path: Path) -> None:
    f = first_frame()
    buffer = f.observation.left.copy()
    with FlightLogWriter(tmp_path / "a.mcap", "", {}, {}) as log:
        log.log_frame(replace(f.observation, left=buffer))
        buffer[:] = 0
    (frame,) = FlightLogReader(tmp_path / "a.mcap").frames()
    np.testing.assert_array_equal(frame.left, f.observation.left)


def test_an_exception_in_the_flight_still_leaves_a_finished_log(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="crash"), FlightLogWriter(tmp_path / "a.mcap", "", {}, {}) as log:
        log.log_frame(first_frame().observation)
        raise RuntimeError("crash")
    report = FlightLogReader(tmp_path / "a.mcap").scan()
    assert report.complete and report.frames == 1


def test_drop_mode_never_blocks_and_logs_how_much_it_dropped(tmp_path: Path) -> None:
    frames = list(synthetic_flight(12))
    log = FlightLogWriter(tmp_path / "a.mcap", "", {}, {}, queue_items=2, drop_when_full=True)
    disk_stalled = threading.Event()
    write = log._sink.write

    def stalled_write(*args: object) -> None:
        disk_stalled.wait()
        write(*args)

    log._sink.write = stalled_write
    kept = [log.log_frame(f.observation) for f in frames]  # the writer thread holds at most one, the queue two
    dropped = log.dropped
    disk_stalled.set()
    log.close()
    assert kept[:2] == [True, True] and kept.count(True) <= 3 and dropped == kept.count(False)
    reader = FlightLogReader(tmp_path / "a.mcap")
    assert [f.index for f in reader.frames()] == [i for i, k in enumerate(kept) if k]  # indexes show the gaps
    events = list(reader.events())
    assert events[-1].data == {"event": "end", "frames": kept.count(True), "dropped": dropped}


def test_a_failing_disk_surfaces_as_a_flight_log_error(tmp_path: Path) -> None:
    log = FlightLogWriter(tmp_path / "a.mcap", "", {}, {})

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    log._sink.write = disk_full
    with pytest.raises(FlightLogError, match="writing flight log .* failed: .*No space left"):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the failure reaches the loop on one of its next calls
            log.log_frame(first_frame().observation)
    with pytest.raises(FlightLogError, match="No space left"):
        log.close()


def test_an_idle_writer_still_hands_its_data_to_the_os(tmp_path: Path) -> None:
    """Frames logged just before the loop stalls reach the file within a chunk period of wall time."""
    frames = list(synthetic_flight(3))
    log = FlightLogWriter(tmp_path / "a.mcap", "", {}, {}, chunk_period_s=0.1)
    try:
        for f in frames:
            log.log_frame(f.observation)  # 0.2 s of flight time: the first chunk, then one still open
        deadline = time.monotonic() + 5
        seen = 0
        while seen < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
            seen = FlightLogReader(tmp_path / "a.mcap").scan().frames
        assert seen == 3
    finally:
        log.close()


def test_a_loop_slower_than_real_time_still_flushes_on_the_wall_clock(tmp_path: Path) -> None:
    """Frames keep coming but flight time crawls (a heavy simulation): chunks still close every wall period."""
    observation = first_frame().observation
    log = FlightLogWriter(tmp_path / "a.mcap", "", {}, {}, chunk_period_s=0.1)
    try:
        seen, deadline, i = 0, time.monotonic() + 5, 0
        while seen < 3 and time.monotonic() < deadline:
            log.log_frame(replace(observation, t=i * 1e-4))  # 0.1 ms of flight time per frame
            i += 1
            time.sleep(0.02)
            seen = FlightLogReader(tmp_path / "a.mcap").scan().frames
        assert seen >= 3  # the first frame has a chunk to itself; later ones only reach disk by wall time
    finally:
        log.close()


def test_several_threads_may_log(tmp_path: Path) -> None:
    frames = list(synthetic_flight(30))
    with FlightLogWriter(tmp_path / "a.mcap", "", {}, {}) as log:

        def learner() -> None:
            for k in range(50):
                log.log_learner(k * 0.01, {"step": k})

        thread = threading.Thread(target=learner)
        thread.start()
        for f in frames:
            log.log_frame(f.observation)
        thread.join()
    reader = FlightLogReader(tmp_path / "a.mcap")
    assert [f.index for f in reader.frames()] == list(range(30))
    assert sorted(e.data["step"] for e in reader.events() if e.kind == "learner") == list(range(50))


def test_a_disk_too_full_for_the_header_leaves_no_log_and_no_traceback(tmp_path: Path, monkeypatch) -> None:
    """With 4 KB free the header's flush failed, and closing the file failed again inside mcap_sink."""
    import io

    from drone_ssl.flightlog import mcap_sink

    class FullDisk(io.BufferedWriter):
        def flush(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    real_open = open
    monkeypatch.setattr(mcap_sink, "open", lambda p, mode: FullDisk(real_open(p, "wb", buffering=0)), raising=False)
    with pytest.raises(FlightLogError, match="cannot start flight log .*No space left on device"):
        FlightLogWriter(tmp_path / "a.mcap", "", {}, {})
    assert list(tmp_path.iterdir()) == []
