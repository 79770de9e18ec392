"""The emulated drone's own state machine: REF / PCMD / CONFIG / CTRL semantics, watchdogs, battery and state bits."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from enum import Enum

from drone_ssl.types import Command, CommandError, DroneState
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState, NavState
from drone_ssl_emulator.config_table import accepts

AIRBORNE = (ControlState.TAKEOFF, ControlState.FLYING, ControlState.HOVERING, ControlState.LANDING)
ALWAYS_ON = (
    NavState.VIDEO | NavState.CAMERA | NavState.PIC_VERSION_OK | NavState.ATCODEC_THREAD_ON
    | NavState.NAVDATA_THREAD_ON | NavState.VIDEO_THREAD_ON | NavState.ACQ_THREAD_ON
)  # fmt: skip


class NavdataMode(Enum):
    BOOTSTRAP = "bootstrap"  # header + checksum only, until general:navdata_demo is set
    DEMO = "demo"  # ~15 Hz, DEMO option
    FULL = "full"  # ~200 Hz (the emulator sends the DEMO option only)


class BodyRequest(Enum):
    TAKEOFF = "takeoff"
    LAND = "land"
    EMERGENCY = "emergency"


@dataclass(frozen=True)
class Timing:
    watchdog_s: float = 0.05  # no command this long: the watchdog bit, and hover
    link_lost_s: float = 2.0  # no command this long: the link is lost, the drone lands
    low_battery_pct: float = 20.0  # the low-battery bit; no takeoff below it
    critical_battery_pct: float = 10.0  # a flying drone lands by itself below it
    demo_hz: float = 15.0  # navdata rate in bootstrap and demo mode
    full_hz: float = 200.0  # navdata rate with navdata_demo FALSE


class FlightStateMachine:
    """Thread-safe; the AT server feeds commands, the body runner reports the body, the navdata server reads bits."""

    def __init__(self, config: dict[str, str], timing: Timing = Timing()) -> None:
        self.timing = timing
        self.config = config  # the drone's configuration table, 'section:key' -> value
        self._lock = threading.RLock()
        self.control = ControlState.LANDED
        self.emergency = False
        self.mode = NavdataMode.BOOTSTRAP
        self.ack = False
        self.config_requested = False  # CTRL 4 seen: the config server sends a dump
        self._last_command_at: float | None = None
        self._ref_emergency = False  # the previous REF's emergency bit: the bit acts on its rising edge
        self._pcmd = Command.hover()
        self._requests: list[BodyRequest] = []
        self.body_state: DroneState | None = None
        self.battery = 100.0
        self.extra_drain_pct = 0.0  # injected battery drain, subtracted from the body's own
        self.link_lost = False
        self.commands_received = 0
        self.ignored_config: deque[tuple[str, str]] = deque(maxlen=100)  # CONFIG values refused, as the firmware does

    # -- AT commands ----------------------------------------------------------------------------------------------
    def on_command(self, now: float, command: at.AtCommand) -> None:
        with self._lock:
            self._last_command_at = now
            self.link_lost = False
            self.commands_received += 1
            handler = getattr(self, f"_on_{command.name.lower()}", None)
            if handler is not None:
                handler(command)

    def _on_ref(self, command: at.AtCommand) -> None:
        bits = at.decode_ref(command)
        rising = bits.emergency and not self._ref_emergency
        self._ref_emergency = bits.emergency
        if rising:
            if self.emergency:
                if self.control is ControlState.LANDED:
                    self.emergency = False  # reset: ready to take off again
            else:
                self.emergency = True
                self._pcmd = Command.hover()
                self._request(BodyRequest.EMERGENCY)
            return
        if self.emergency:
            return
        if bits.takeoff and self.control is ControlState.LANDED and self.battery >= self.timing.low_battery_pct:
            self.control = ControlState.TAKEOFF
            self._request(BodyRequest.TAKEOFF)
        elif not bits.takeoff and self.control in (ControlState.TAKEOFF, ControlState.FLYING, ControlState.HOVERING):
            self._land()

    def _on_pcmd(self, command: at.AtCommand) -> None:
        p = at.decode_pcmd(command)
        if p.hover:
            self._pcmd = Command.hover()
        else:
            try:
                self._pcmd = Command.clipped(p.roll, p.pitch, p.gaz, p.yaw)
            except CommandError:  # NaN or infinity in the float bits: hover rather than act on it
                self._pcmd = Command.hover()
        if self.control in (ControlState.FLYING, ControlState.HOVERING):
            self.control = ControlState.HOVERING if self._pcmd.is_hover else ControlState.FLYING

    _on_pcmd_mag = _on_pcmd

    def _on_config(self, command: at.AtCommand) -> None:
        if len(command.args) < 2 or not all(isinstance(a, str) for a in command.args[:2]):
            return
        key, value = command.args[0], command.args[1]
        self.ack = True  # acknowledged either way, as the firmware does
        if not accepts(key, value):
            self.ignored_config.append((key, value))
            return
        self.config[key] = value
        if key == "general:navdata_demo":
            self.mode = NavdataMode.DEMO if value.upper() == "TRUE" else NavdataMode.FULL

    def _on_ctrl(self, command: at.AtCommand) -> None:
        mode = command.args[0] if command.args else None
        if mode == at.CtrlMode.ACK:
            self.ack = False
        elif mode == at.CtrlMode.CONFIG_GET:
            self.config_requested = True

    # -- time and body --------------------------------------------------------------------------------------------
    def tick(self, now: float) -> None:
        """Watchdogs and battery; called often (each navdata packet)."""
        with self._lock:
            silent = self.silence(now)
            if silent > self.timing.watchdog_s:
                self._pcmd = Command.hover()
            if silent > self.timing.link_lost_s and not self.link_lost and self._last_command_at is not None:
                self.link_lost = True
                if self.control in (ControlState.TAKEOFF, ControlState.FLYING, ControlState.HOVERING):
                    self._land()
            if self.battery < self.timing.critical_battery_pct and self.control in (
                ControlState.FLYING,
                ControlState.HOVERING,
            ):
                self._land()

    def silence(self, now: float) -> float:
        return 0.0 if self._last_command_at is None else now - self._last_command_at

    def update_body(self, state: DroneState) -> None:
        with self._lock:
            self.body_state = state
            self.battery = max(0.0, state.battery - self.extra_drain_pct)

    def take_request(self) -> BodyRequest | None:
        with self._lock:
            return self._requests.pop(0) if self._requests else None

    def body_done(self, request: BodyRequest) -> None:
        """The body finished a manoeuvre (in paced, real time)."""
        with self._lock:
            if request is BodyRequest.TAKEOFF and self.control is ControlState.TAKEOFF:
                self.control = ControlState.HOVERING
            elif request in (BodyRequest.LAND, BodyRequest.EMERGENCY):
                self.control = ControlState.LANDED

    def command_for_body(self) -> Command:
        """What the body flies now: the PCMD while flying, hover otherwise; no climbing over altitude_max."""
        with self._lock:
            if self.control not in (ControlState.FLYING, ControlState.HOVERING):
                return Command.hover()
            cmd = self._pcmd
            altitude_max = float(self.config.get("control:altitude_max", "3000")) / 1000.0
            if self.body_state is not None and self.body_state.altitude >= altitude_max and cmd.gaz > 0:
                cmd = Command(cmd.roll, cmd.pitch, 0.0, cmd.yaw)
            return cmd

    def state_bits(self, now: float) -> int:
        with self._lock:
            bits = ALWAYS_ON
            if self.control in AIRBORNE:
                bits |= NavState.FLYING
            if self.ack:
                bits |= NavState.COMMAND_ACK
            bits |= NavState.NAVDATA_BOOTSTRAP if self.mode is NavdataMode.BOOTSTRAP else 0
            bits |= NavState.NAVDATA_DEMO if self.mode is NavdataMode.DEMO else 0
            if self.battery < self.timing.low_battery_pct:
                bits |= NavState.LOW_BATTERY
            if self.link_lost:
                bits |= NavState.COM_LOST
            if self._last_command_at is not None and self.silence(now) > self.timing.watchdog_s:
                bits |= NavState.COM_WATCHDOG
            if self.emergency:
                bits |= NavState.EMERGENCY
            return int(bits)

    @property
    def airborne(self) -> bool:
        return self.control in AIRBORNE

    def _land(self) -> None:
        self.control = ControlState.LANDING
        self._pcmd = Command.hover()
        self._request(BodyRequest.LAND)

    def _request(self, request: BodyRequest) -> None:
        if request not in self._requests:
            self._requests.append(request)
