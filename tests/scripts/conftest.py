"""Fixtures of the script tests: every fly.py a test starts is stopped when the test ends, passed or failed."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from flight_process import FlightProcess


@pytest.fixture
def flights() -> Iterator[list[FlightProcess]]:
    """Append each FlightProcess here: one still running at teardown (a failed test) is killed with its group."""
    started: list[FlightProcess] = []
    yield started
    for flight in started:
        if flight.proc.poll() is None:
            os.killpg(flight.proc.pid, signal.SIGKILL)
            flight.proc.wait(10)
