"""`--live`: the server a flight serves to Foxglove, the simulator paced to the wall clock, the linger after."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from drone_ssl.drone import Drone
from drone_ssl.flightlog.live import QUIT_SERVICE, LiveServer
from drone_ssl.types import Observation
from drone_ssl_app.exit_signals import ExitSignals
from drone_ssl_app.foxglove_layout import LAYOUT_FILE

DEFAULT_LINGER_S = 300.0  # long enough to look at the end of a flight, short enough to free the port by itself


class Pacer:
    """Holds a lock-step simulator to `speed` times the wall clock: flight time t is reached no earlier than
    `origin_ns + t / speed` (the log's stamps are origin + t, so at speed 1 they are the wall clock). A
    simulator slower than that is never held: it simply runs behind. The clock and the sleep are injectable."""

    def __init__(
        self,
        origin_ns: int,
        speed: float = 1.0,
        clock_ns: Callable[[], int] = time.time_ns,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"speed must be > 0, got {speed}")
        self.origin_ns, self.speed, self._clock_ns, self._sleep = origin_ns, speed, clock_ns, sleep
        self.waited_s = 0.0  # how long the simulator was held, in all

    def wait(self, t: float) -> float:
        """Sleep until flight time `t` is due; returns the seconds slept (0 when running behind)."""
        due_ns = self.origin_ns + round(t / self.speed * 1e9)
        ahead_s = (due_ns - self._clock_ns()) / 1e9
        if ahead_s <= 0:
            return 0.0
        self._sleep(ahead_s)
        self.waited_s += ahead_s
        return ahead_s


class PacedDrone:
    """A lock-step simulator read through a `Pacer`: each observation is handed over once its flight time is
    due, before the pilot computes and logs it, so a frame reaches the viewer at its stamp plus the loop's own
    time (never ahead of the wall clock). Everything else is the drone's own."""

    def __init__(self, drone: Drone, pacer: Pacer) -> None:
        self._drone, self.pacer = drone, pacer

    def read(self) -> Observation:
        observation = self._drone.read()
        self.pacer.wait(observation.t)
        return observation

    def __getattr__(self, name: str) -> object:
        return getattr(self._drone, name)

    def __enter__(self) -> PacedDrone:
        self._drone.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._drone.__exit__(*exc)


def open_live(args: argparse.Namespace) -> LiveServer | None:
    """The --live server (None without --live), before anything is written: a taken port leaves no run folder."""
    if not args.live:
        return None
    live = LiveServer(args.live_host, args.live_port, notify=lambda line: print(line, file=sys.stderr))
    print(f"live: Foxglove -> Open connection -> {live.url}", file=sys.stderr)
    print(f"live: its layout (Foxglove -> Layouts -> Import from file): {LAYOUT_FILE}", file=sys.stderr)
    return live


def linger(live: LiveServer, seconds: float, interrupted: Callable[[], bool]) -> None:
    """Keep serving after the flight so the viewer can look at its end, until a viewer calls the quit service,
    `seconds` run out or a signal comes (`interrupted`); then stop the server."""
    try:
        if seconds > 0 and not interrupted():
            line = (f"live: the flight is over; serving {live.url} for up to {seconds:g} s more (--live-linger): "
                    f"Ctrl-C, or call {QUIT_SERVICE} from Foxglove's Service Call panel, to stop now")  # fmt: skip
            print(line, file=sys.stderr)
            why = live.wait_for_quit(seconds, stop=interrupted)
            print(f"live: server stopped ({why})", file=sys.stderr)
    finally:
        live.close()


def serving(args: argparse.Namespace, signals: ExitSignals, flight: Callable[[LiveServer | None], int]) -> int:
    """Run `flight` with the --live server (None without --live), opened before the run folder so a taken port
    leaves nothing behind, and lingering after it, whatever ended it, until a viewer or a signal stops it."""
    live = open_live(args)
    try:
        return flight(live)
    finally:
        if live is not None:
            linger(live, args.live_linger, lambda: signals.signum is not None)
