"""What the summary says ended a flight: done, a signal, a drone down by itself, or an error's first line."""

from __future__ import annotations

import signal

from drone_ssl.errors import DroneDownError, LinkLostError
from drone_ssl_app.exit_signals import FlightInterrupted
from drone_ssl_app.flight_end import ended_by


def test_a_drone_down_by_itself_is_an_emergency_with_its_reason() -> None:
    down = DroneDownError("the drone reports an emergency (motors cut)")
    assert ended_by(down) == "emergency: the drone reports an emergency (motors cut)"


def test_the_other_endings_keep_their_words() -> None:
    assert ended_by(None) == "done"
    assert ended_by(FlightInterrupted(signal.SIGTERM)) == "SIGTERM"
    assert ended_by(LinkLostError("link lost: x\nmore")) == "error: LinkLostError: link lost: x"
