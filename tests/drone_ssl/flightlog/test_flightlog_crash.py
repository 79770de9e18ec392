"""A flight killed with SIGKILL at any moment leaves a log readable up to about its last second."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from flightlog_child import RATE_HZ, frame_image
from flightlog_fixtures import Deadline

from drone_ssl.flightlog import FlightLogReader

CHILD = Path(__file__).with_name("flightlog_child.py")


def kill_after(path: Path, frames: int, deadline: Deadline) -> int:
    """Start a child logging a flight, SIGKILL it once it has logged `frames`; how many it had logged by then."""
    child = subprocess.Popen([sys.executable, str(CHILD), str(path)], stdout=subprocess.PIPE, text=True)
    try:
        with deadline(60):
            logged = int(child.stdout.readline())
            while logged < frames:
                logged = int(child.stdout.readline())
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return logged


@pytest.mark.parametrize("frames", [0, 4, 23, 41])
def test_sigkill_keeps_all_but_the_last_second(tmp_path: Path, frames: int, deadline: Deadline) -> None:
    path = tmp_path / "killed.mcap"
    logged = kill_after(path, frames, deadline)
    reader = FlightLogReader(path)
    assert reader.config_yaml == "child: true\n" and reader.model_versions == {"mono": "child"}
    with deadline(30):
        recovered = list(reader.frames())
    report = reader.report
    assert report.truncated and not report.complete
    assert report.warnings == 0  # a killed writer leaves a cut file, not a damaged one
    # All frames but those of the last second (one chunk) and the one being handed over.
    assert len(recovered) >= logged - RATE_HZ - 1
    for i, frame in enumerate(recovered):
        assert frame.index == i
        np.testing.assert_array_equal(frame.left, frame_image(i, 1))
        np.testing.assert_array_equal(frame.right, frame_image(i, 2))
