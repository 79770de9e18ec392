"""Runs the emulator's body (any `Drone`, normally `sim.SimDrone`) paced in real time, in one thread of its own."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from drone_ssl.drone import Drone
from drone_ssl.errors import DroneSSLError
from drone_ssl_emulator.faults import Faults
from drone_ssl_emulator.flight_state import BodyRequest, FlightStateMachine
from drone_ssl_emulator.mjpeg_server import FrameBoard

log = logging.getLogger(__name__)

MAX_LAG_S = 1.0  # further behind real time than this (a slow machine): stop trying to catch up


class BodyRunner:
    """A real drone is not lock-step: each frame is released when its simulated time comes due on the wall clock.

    `time_scale` > 1 runs simulated time faster than the wall clock (for quick tests); protocol timings
    (watchdog, link loss) stay in wall-clock seconds either way.
    """

    def __init__(
        self,
        body: Drone,
        machine: FlightStateMachine,
        board: FrameBoard,
        faults: Faults,
        time_scale: float = 1.0,
        on_frame: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._body = body
        self._machine = machine
        self._board = board
        self._faults = faults
        self._scale = time_scale
        self._on_frame = on_frame
        self._clock = clock
        self._stop = threading.Event()
        self._ready = threading.Event()
        self.error: BaseException | None = None
        self.frames = 0
        self._thread = threading.Thread(target=self._run, name="emulator-body", daemon=True)

    def start(self, timeout: float = 60.0) -> None:
        """Start the body and wait for its first frame (the simulator loads its room first)."""
        self._thread.start()
        self._ready.wait(timeout)
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30.0)

    def _run(self) -> None:
        try:
            self._body.connect()
            self._loop()
        except BaseException as exc:  # reported to start() or left for the emulator to show
            log.exception("the emulator's body failed")
            self.error = exc
        finally:
            self._ready.set()
            try:
                self._body.close()
            except DroneSSLError:
                log.exception("closing the body failed")

    def _loop(self) -> None:
        wall0: float | None = None
        sim0 = 0.0
        drained = 0.0
        last_t: float | None = None
        while not self._stop.is_set():
            request = self._machine.take_request()
            if request is not None:
                self._perform(request)
            self._body.send(self._machine.command_for_body())
            obs = self._body.read()
            if wall0 is None:
                wall0, sim0 = self._clock(), obs.t
            delay = wall0 + (obs.t - sim0) / self._scale - self._clock()
            if delay < -MAX_LAG_S:
                wall0 -= delay  # resynchronise instead of racing to catch up
            elif delay > 0:
                self._stop.wait(delay)
            if last_t is not None:
                drained += self._faults.battery_drain_pct_per_s * (obs.t - last_t)
            last_t = obs.t
            self._machine.extra_drain_pct = drained
            self._machine.update_body(obs.state)
            self._board.publish(obs.left, obs.right)
            self.frames += 1
            self._on_frame()
            if request is not None:
                self._machine.body_done(request)
            self._ready.set()

    def _perform(self, request: BodyRequest) -> None:
        try:
            if request is BodyRequest.TAKEOFF:
                self._body.takeoff()
            elif request is BodyRequest.LAND:
                self._body.land()
            else:
                self._body.emergency()
        except DroneSSLError:
            log.exception("the body could not %s", request.value)
            if request is BodyRequest.TAKEOFF:
                self._body.land()
