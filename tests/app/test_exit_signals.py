"""ExitSignals: the land command from a watcher thread at once, one interruption while armed, then none."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from drone_ssl_app.exit_signals import ExitSignals, FlightInterrupted


class Landings:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float, str]] = []
        self.event = threading.Event()

    def land_now(self) -> None:
        self.calls.append(("land", time.monotonic(), threading.current_thread().name))
        self.event.set()

    def force_land(self) -> None:
        self.calls.append(("force", time.monotonic(), threading.current_thread().name))
        self.event.set()


def wait_for(landings: Landings, count: int) -> None:
    deadline = time.monotonic() + 2.0
    while len(landings.calls) < count and time.monotonic() < deadline:
        time.sleep(0.001)


def test_armed_the_first_signal_lands_from_the_watcher_and_interrupts_once() -> None:
    landings = Landings()
    before = signal.getsignal(signal.SIGTERM)
    with ExitSignals(landings.land_now, landings.force_land) as signals:
        signals.arm()
        sent = time.monotonic()
        with pytest.raises(FlightInterrupted) as info:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1.0)  # the handler raises here, at once
        assert info.value.exit_code == 143 and signals.exit_code == 143
        wait_for(landings, 1)
        assert landings.calls[0][0] == "land" and landings.calls[0][2] == "exit-signals"
        assert landings.calls[0][1] - sent < 0.1
        os.kill(os.getpid(), signal.SIGINT)  # disarmed now: lands harder, interrupts nothing
        wait_for(landings, 2)
        assert [c[0] for c in landings.calls] == ["land", "force"]
        assert signals.signum == signal.SIGTERM and signals.count == 2
        delay = signals.land_delay_s()
        assert delay is not None and 0.0 <= delay < 0.1
    assert signal.getsignal(signal.SIGTERM) is before  # handlers restored


def test_disarmed_a_signal_only_lands_and_is_remembered_for_the_exit_code() -> None:
    landings = Landings()
    with ExitSignals(landings.land_now) as signals:
        os.kill(os.getpid(), signal.SIGHUP)
        wait_for(landings, 1)
        time.sleep(0.05)  # the Python-level handler has run by now, and raised nothing
        assert signals.exit_code == 129 and [c[0] for c in landings.calls] == ["land"]
        with pytest.raises(FlightInterrupted):
            signals.arm()  # arming after a signal interrupts at once: the flight must not start


def test_a_land_now_that_fails_does_not_stop_the_watcher() -> None:
    said: list[str] = []

    def broken() -> None:
        raise RuntimeError("socket closed")

    with ExitSignals(broken, notify=said.append) as signals:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + 2.0
        while signals.count < 2 and time.monotonic() < deadline:
            time.sleep(0.001)
    assert signals.count == 2 and any("socket closed" in line for line in said)
