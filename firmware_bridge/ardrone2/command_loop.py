"""The bridge's command loop: every ~30 ms one datagram (COMWDG, config, REF, PCMD) with the safety verdict applied."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import partial

from drone_ssl.errors import DroneDownError, DroneError, LinkLostError
from drone_ssl.types import Command, DroneState
from drone_ssl_bridge.ardrone2.at_link import AtLink, CommandBuilder
from drone_ssl_bridge.ardrone2.config_handshake import ConfigHandshake
from drone_ssl_bridge.ardrone2.navdata_link import NavdataLink
from drone_ssl_bridge.ardrone2.navdata_state import to_drone_state
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import Navdata, NavState
from drone_ssl_bridge.errors import SafetyLandingError
from drone_ssl_bridge.safety import Action, SafetyLimits, assess, limit_command

log = logging.getLogger(__name__)

FTRIM_REPEATS = 3  # UDP: send it on a few ticks so one lost datagram does not skip the trim
EMERGENCY_SEND_S = 1.0  # send the emergency bit until the state flips, at most this long
TICK_HISTORY = 10_000


class CommandLoop:
    """Owns what is sent; the `ARDrone2` methods only set intentions (fly or land, the command, requests)."""

    def __init__(
        self,
        at_link: AtLink,
        navdata: NavdataLink,
        config: ConfigHandshake,
        limits: SafetyLimits,
        period_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._at = at_link
        self._navdata = navdata
        self.config = config
        self._limits = limits
        self._period = period_s
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._want_flying = False
        self._command = Command.hover()
        self._ftrim_left = 0
        self._once: list[CommandBuilder] = []  # extra commands for the next tick only
        self._emergency_until: float | None = None  # sending the emergency bit until the state flips
        self._emergency_target = True
        self._emergency_sent = False  # the bit in the last REF: a new toggle needs a rising edge
        self._emergency_needs_edge = False
        self._airborne_since: float | None = None
        self._took_off = False  # seen flying since fly(True): from then on a drone that does not fly is down
        self._started = clock()
        self.fault: DroneError | None = None
        self.verdict = Action.FLY
        self.tick_times: deque[float] = deque(maxlen=TICK_HISTORY)
        self._thread = threading.Thread(target=self._run, name="at-commands", daemon=True)

    # -- intentions, from the user's thread ---------------------------------------------------------------------
    def fly(self, flying: bool) -> None:
        """Ask to fly (the take-off bit) or to land. After a fault the flight is over: asking to fly again raises
        it, so a drone that went down is never launched again on this link."""
        with self._lock:
            if flying and self.fault is not None:
                raise self.fault
            if flying and not self._want_flying:
                self._took_off = False  # a new take-off: the drone is not down before it first flies
            self._want_flying = flying
            if not flying:
                self._command = Command.hover()
        self._wake.set()

    def set_command(self, command: Command) -> None:
        with self._lock:
            self._command = command
        self._wake.set()  # send it now rather than at the next tick: less latency

    def flat_trim(self) -> None:
        with self._lock:
            self._ftrim_left = FTRIM_REPEATS

    def send_once(self, builder: CommandBuilder) -> None:
        """Add a command to the next datagram only (e.g. CTRL 4, config read-back)."""
        with self._lock:
            self._once.append(builder)
        self._wake.set()

    def toggle_emergency(self, target: bool) -> None:
        """Send the emergency bit until the EMERGENCY state bit equals `target` (True: cut the motors)."""
        with self._lock:
            self._emergency_until = self._clock() + EMERGENCY_SEND_S
            self._emergency_target = target
            self._emergency_needs_edge = True
            if target:
                self._want_flying = False
                self._command = Command.hover()
        self._wake.set()

    # -- life cycle ---------------------------------------------------------------------------------------------
    def start(self) -> None:
        self._started = self._clock()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        self.config.fail_all(DroneError("the command loop stopped before the drone acknowledged the config"))

    def _run(self) -> None:
        next_tick = self._clock()
        while not self._stop.is_set():
            try:
                self._at.send(self.tick(self._clock()))
            except Exception as exc:  # a bug or a dead socket must not leave the drone flying unattended
                log.exception("command loop failed; landing")
                with self._lock:
                    self._want_flying = False
                    self.fault = self.fault or DroneError(
                        f"the command loop failed ({exc}); the drone was told to land"
                    )
                self._send_land_safely()
            next_tick += self._period
            delay = next_tick - self._clock()
            if delay < -self._period:  # fell behind (a stall): do not burst to catch up
                next_tick, delay = self._clock(), 0.0
            if self._wake.wait(max(0.0, delay)):
                self._wake.clear()
                next_tick = self._clock()  # send now; the next regular tick follows a period after this one

    def _send_land_safely(self) -> None:
        try:
            self._at.send([partial(at.ref, takeoff=False), partial(at.pcmd, roll=0.0, pitch=0.0, gaz=0.0, yaw=0.0)])
        except Exception:
            log.exception("cannot even send a landing command")

    # -- one tick ------------------------------------------------------------------------------------------------
    def tick(self, now: float) -> list[CommandBuilder]:
        """The commands for this instant; applies the safety verdict to the intentions first."""
        self.tick_times.append(now)
        nav, arrived = self._navdata.latest()
        age = now - (arrived if arrived is not None else self._started)
        state = to_drone_state(nav) if nav is not None else None
        self._track_airborne(now, state)
        airborne = None if self._airborne_since is None else now - self._airborne_since
        with self._lock:
            should_fly = self._should_fly(state)
        verdict = assess(self._limits, age, state, airborne, should_fly)
        self.verdict = verdict.action
        builders: list[CommandBuilder] = []
        if nav is not None and nav.has(NavState.COM_WATCHDOG):
            builders.append(at.comwdg)
        builders += self.config.step(now, nav)
        with self._lock:
            self._apply(verdict.action, verdict.reason)
            builders += self._flight_commands(now, nav, state, verdict.action)
        return builders

    def _apply(self, action: Action, reason: str) -> None:
        if action is Action.LINK_LOST and self.fault is None:
            log.error("link lost: %s; landing", reason)
            self.fault = LinkLostError(f"link to the drone lost: {reason}; it was told to land")
            self._want_flying = False
        elif action is Action.LAND and self._want_flying:
            log.warning("safety landing: %s", reason)
            self.fault = self.fault or SafetyLandingError(f"safety landing: {reason}")
            self._want_flying = False
        elif action is Action.DOWN and self._want_flying:
            # The take-off bit goes low at this tick and never comes back (fly(True) now raises): a drone whose
            # emergency someone clears would otherwise take off again by itself.
            log.error("the drone is down: %s; no more flight commands", reason)
            self.fault = self.fault or DroneDownError(reason)
            self._want_flying = False
            self._command = Command.hover()

    def _flight_commands(
        self, now: float, nav: Navdata | None, state: DroneState | None, action: Action
    ) -> list[CommandBuilder]:
        builders, self._once = self._once, []
        if self._ftrim_left and not self._want_flying:
            builders.append(at.ftrim)
            self._ftrim_left -= 1
        emergency = False
        if self._emergency_until is not None:
            flipped = nav is not None and nav.has(NavState.EMERGENCY) == self._emergency_target
            if flipped or now > self._emergency_until:
                self._emergency_until = None
            else:
                emergency = not (self._emergency_needs_edge and self._emergency_sent)  # one low REF first
                self._emergency_needs_edge = False
        self._emergency_sent = emergency
        builders.append(partial(at.ref, takeoff=self._want_flying, emergency=emergency))
        command = self._command if self._want_flying and action is Action.FLY else Command.hover()
        command = limit_command(command, state, self._limits)
        builders.append(partial(at.pcmd, roll=command.roll, pitch=command.pitch, gaz=command.gaz, yaw=command.yaw))
        return builders

    def _should_fly(self, state: DroneState | None) -> bool:
        """Whether the drone must be flying now: asked to, and seen flying since (or cut during its take-off)."""
        if not self._want_flying or state is None:
            return False
        if state.flying and not state.landing:
            self._took_off = True
        return self._took_off or state.emergency

    def _track_airborne(self, now: float, state: DroneState | None) -> None:
        if state is not None and state.flying:
            if self._airborne_since is None:
                self._airborne_since = now
        elif state is not None:
            self._airborne_since = None
