"""Ctrl-C, SIGTERM and SIGHUP during a flight: land at once from a watcher thread, then unwind in order."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType

EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class FlightInterrupted(BaseException):
    """A signal ended the flight. A BaseException, so no `except Exception` on the way out swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"{signal.Signals(signum).name} received")

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)."""
        return 128 + self.signum


class ExitSignals:
    """While active, SIGINT/SIGTERM/SIGHUP call `land_now` within milliseconds and end the flight in order.

    The C-level handler writes the signal number into a pipe (`signal.set_wakeup_fd`) even while the main
    thread is stuck in a long C call; a watcher thread reads it and calls `land_now` (which must be
    thread-safe and must not wait). The Python-level handler then raises `FlightInterrupted` in the main thread,
    once, and only while armed: during the landing, saving and reporting that follow, a signal never interrupts
    them. A second signal calls `force_land` (land again, stop waiting for confirmation).
    """

    def __init__(self, land_now: Callable[[], None] | None = None, force_land: Callable[[], None] | None = None,
                 notify: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.land_now = land_now
        self.force_land = force_land
        self.notify = notify
        self.signum: int | None = None  # the first signal received
        self.received_at: float | None = None  # time.monotonic() of the first signal
        self.land_sent_at: float | None = None  # when the watcher thread called land_now
        self.count = 0
        self._armed = False
        self._raised = False
        self._previous: dict[int, object] = {}
        self._previous_fd = -1
        self._read_fd = self._write_fd = -1
        self._watcher: threading.Thread | None = None
        self._lock = threading.Lock()  # taken by the watcher thread only, never in a signal handler

    # -- life cycle ---------------------------------------------------------------------------------------------
    def __enter__(self) -> ExitSignals:
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._write_fd, False)
        self._previous_fd = signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False)
        for signum in EXIT_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        self._watcher = threading.Thread(target=self._watch, name="exit-signals", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        signal.set_wakeup_fd(self._previous_fd)
        os.close(self._write_fd)  # the watcher reads EOF and ends
        if self._watcher is not None:
            self._watcher.join(timeout=1.0)
        os.close(self._read_fd)

    # -- the flight ---------------------------------------------------------------------------------------------
    def arm(self) -> None:
        """From now on the first signal raises FlightInterrupted in the main thread (at once if one came)."""
        self._armed = True
        if self.signum is not None and not self._raised:
            self._raised = True
            raise FlightInterrupted(self.signum)

    def disarm(self) -> None:
        """The flight is ending: signals still land, but no longer interrupt what runs in the main thread."""
        self._armed = False

    @property
    def exit_code(self) -> int | None:
        """128 + the first signal's number, or None when no signal came."""
        return None if self.signum is None else 128 + self.signum

    def land_delay_s(self, main_thread_land_at: float | None = None) -> float | None:
        """Seconds from the first signal to the first land command: the watcher's, or the main thread's (given
        as its time.monotonic()) where that came first or the drone has no thread-safe `land_now`."""
        sent = [t for t in (self.land_sent_at, main_thread_land_at) if t is not None]
        if self.received_at is None or not sent:
            return None
        return max(0.0, min(sent) - self.received_at)

    # -- internals ----------------------------------------------------------------------------------------------
    def _handle(self, signum: int, frame: FrameType | None) -> None:
        """The Python-level handler (main thread): only plain assignments, so it can never deadlock."""
        if self.signum is None:
            self.signum = signum
        if self._armed and not self._raised:
            self._raised = True
            self._armed = False
            raise FlightInterrupted(signum)

    def _watch(self) -> None:
        while True:
            try:
                data = os.read(self._read_fd, 64)
            except OSError:
                return
            if not data:
                return
            for signum in data:
                if signum in EXIT_SIGNALS:
                    self._on_signal(signum)

    def _on_signal(self, signum: int) -> None:
        with self._lock:
            self.count += 1
            first = self.count == 1
            if first:
                self.received_at = time.monotonic()
        action = self.land_now if first else self.force_land or self.land_now
        if action is not None:
            try:
                action()
            except Exception as exc:  # the main thread lands too; a failure here must not kill the watcher
                self._say(f"landing from the signal thread failed ({type(exc).__name__}: {exc})")
        if first:
            if action is not None:
                self.land_sent_at = time.monotonic()
            self._say(f"{signal.Signals(signum).name}: landing, then saving (again to force the landing)")
        else:
            self._say(f"{signal.Signals(signum).name} again: landing now")

    def _say(self, message: str) -> None:
        if self.notify is not None:
            self.notify(message)
