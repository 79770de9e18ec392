"""`Bebop2`: the `Drone` seam over a Parrot Bebop 2 through pyparrot (extra `bebop`), with the bridge's safety rules."""

from __future__ import annotations

import importlib
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.errors import DroneDownError, DroneError, LinkLostError
from drone_ssl.types import Command, DroneState
from drone_ssl_bridge.cameras.frames import StereoSource
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_bridge.errors import MissingExtraError, SafetyLandingError
from drone_ssl_bridge.linked_drone import LinkedDrone
from drone_ssl_bridge.safety import Action, SafetyLimits, assess, limit_command

log = logging.getLogger(__name__)

# ARSDK's flying states (pyparrot's sensors.flying_state): off the ground, and the two that cut or land by themselves.
AIRBORNE = ("takingoff", "hovering", "flying", "landing", "emergency_landing")
EMERGENCY = ("emergency", "emergency_landing")
LANDING = ("landing", "emergency_landing")
CONNECT_RETRIES = 3


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, value))


def load_bebop_class() -> Any:
    """pyparrot's Bebop class, or a MissingExtraError naming the extra to install."""
    try:
        return importlib.import_module("pyparrot.Bebop").Bebop
    except ImportError as exc:
        raise MissingExtraError("pyparrot", "bebop") from exc


def sensors_to_state(sensors: Any, link_ok: bool = True) -> DroneState:
    """pyparrot's sensor values -> DroneState. ARSDK speeds are north, east, down; we rotate them into the body
    frame (forward, right, up) with the heading (yaw clockwise +, as ours)."""
    values = sensors.sensors_dict
    roll = float(values.get("AttitudeChanged_roll", 0.0))
    pitch = float(values.get("AttitudeChanged_pitch", 0.0))
    yaw = float(values.get("AttitudeChanged_yaw", 0.0))
    north, east, down = (float(values.get(f"SpeedChanged_speed{axis}", 0.0)) for axis in "XYZ")
    forward = north * math.cos(yaw) + east * math.sin(yaw)
    right = -north * math.sin(yaw) + east * math.cos(yaw)
    return DroneState(
        position=None,
        velocity=(forward, right, -down),
        attitude=(roll, pitch, yaw),
        altitude=float(values.get("AltitudeChanged_altitude", 0.0)),
        battery=float(sensors.battery),
        flying=sensors.flying_state in AIRBORNE,
        link_ok=link_ok,
        emergency=sensors.flying_state in EMERGENCY,
        landing=sensors.flying_state in LANDING,
    )


class Bebop2(LinkedDrone):
    """A Bebop 2. PCMD goes out every `bridge.command_period_s` from a thread; sensor updates play the part of
    navdata for the safety rules (silence: hover, then land and raise; battery, altitude, flight-time limits)."""

    name = "the Bebop 2"

    def __init__(
        self,
        bridge: BridgeConfig | None = None,
        model: DroneModelConfig | None = None,
        stereo: StereoSource | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(bridge or BridgeConfig(backend="bebop2"), model, stereo, clock)
        self._limits = SafetyLimits.from_config(self.bridge)
        self._bebop: Any = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._command = Command.hover()
        self._last_update = clock()
        self._airborne_since: float | None = None
        self._should_fly = False  # the take-off finished and nobody asked to land: a drone not flying is down
        self._fault: DroneError | None = None

    # -- the link -----------------------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._bebop is not None

    @property
    def fault(self) -> DroneError | None:
        """Why the flight ended on its own (link lost, a safety landing, a failed command loop), if it did."""
        return self._fault

    def _open_link(self) -> None:
        bebop = load_bebop_class()(drone_type="Bebop2", ip_address=self.bridge.host)
        if not bebop.connect(CONNECT_RETRIES):
            raise DroneError(f"cannot connect to the Bebop 2 at {self.bridge.host}; is this computer on its Wi-Fi?")
        self._bebop = bebop
        bebop.set_user_sensor_callback(self._on_sensors, None)
        # Clamped into pyparrot's accepted ranges: it ignores (and prints about) values outside them.
        bebop.set_max_altitude(_clamp(self.bridge.max_altitude_m, 0.5, 150.0))
        bebop.set_max_tilt(_clamp(self.model.max_tilt_deg, 5.0, 30.0))
        bebop.set_max_vertical_speed(_clamp(self.model.max_vz_mps, 0.5, 2.5))
        bebop.set_max_rotation_speed(_clamp(self.model.max_yaw_rate_dps, 10.0, 200.0))
        bebop.set_hull_protection(int(self.bridge.hull))
        bebop.set_indoor(int(self.bridge.outdoor))
        self._last_update = self._clock()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="bebop-commands", daemon=True)
        self._thread.start()

    def _close_link(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        if self._bebop is not None:
            self._bebop.disconnect()
            self._bebop = None

    def _set_command(self, command: Command) -> None:
        self._require()
        self._command = command

    def state(self) -> DroneState:
        bebop = self._require()
        fresh = self._clock() - self._last_update <= self.bridge.navdata_hover_s
        return sensors_to_state(bebop.sensors, fresh)

    # -- the Drone protocol -------------------------------------------------------------------------------------
    def takeoff(self) -> None:
        bebop = self._require()
        self._raise_fault()
        state = self.state()
        self._check_takeoff_battery(state)
        if self.bridge.flat_trim and not state.flying:
            bebop.flat_trim(1)
        self._command = Command.hover()
        bebop.safe_takeoff(self.model.manoeuvre_timeout_s)
        if bebop.sensors.flying_state not in ("hovering", "flying"):
            self.land()
            raise DroneError(f"takeoff did not finish within {self.model.manoeuvre_timeout_s:g} s; landing")
        self._raise_fault()
        self._should_fly = True

    def land(self) -> None:
        self._should_fly = False
        if self._bebop is None:
            return
        self._command = Command.hover()
        self._bebop.safe_land(self.model.manoeuvre_timeout_s)

    def emergency(self) -> None:
        """Cut the motors (ARSDK Piloting.Emergency on the high-priority channel). Only on explicit request."""
        bebop = self._require()
        command = bebop.command_parser.get_command_tuple("ardrone3", "Piloting", "Emergency")
        with self._lock:
            bebop.drone_connection.send_noparam_high_priority_command_packet(command)

    # -- internals ----------------------------------------------------------------------------------------------
    def _on_sensors(self, *_: object) -> None:
        self._last_update = self._clock()

    def _run(self) -> None:
        bebop = self._bebop
        pcmd = bebop.command_parser.get_command_tuple("ardrone3", "Piloting", "PCMD")
        while not self._stop.wait(self.bridge.command_period_s):
            try:
                self._tick(bebop, pcmd)
            except Exception as exc:  # never leave the drone flying unattended
                log.exception("Bebop command loop failed; landing")
                self._fault = self._fault or DroneError(f"the command loop failed ({exc}); the drone was told to land")
                with self._lock:
                    bebop.land()

    def _tick(self, bebop: Any, pcmd: Any) -> None:
        now = self._clock()
        state = sensors_to_state(bebop.sensors)
        if state.flying and self._airborne_since is None:
            self._airborne_since = now
        elif not state.flying:
            self._airborne_since = None
        airborne = None if self._airborne_since is None else now - self._airborne_since
        verdict = assess(self._limits, now - self._last_update, state, airborne, self._should_fly)
        command = self._command
        if verdict.action is Action.LINK_LOST and self._fault is None:
            self._fault = LinkLostError(f"link to the Bebop lost: {verdict.reason}; it was told to land")
        elif verdict.action is Action.LAND and self._fault is None:
            self._fault = SafetyLandingError(f"safety landing: {verdict.reason}")
        elif verdict.action is Action.DOWN and self._fault is None:
            log.error("the Bebop is down: %s; no more flight commands", verdict.reason)
            self._fault = DroneDownError(verdict.reason)
            self._should_fly = False
        if self._fault is not None or verdict.action is not Action.FLY:
            command = Command.hover()
        command = limit_command(command, state, self._limits)
        with self._lock:
            if self._fault is not None and state.flying and not state.landing:
                bebop.land()
            # Bebop PCMD: pitch + = forward, the opposite of AR.Drone's; values in percent.
            values = (command.roll * 100, -command.pitch * 100, command.yaw * 100, command.gaz * 100)
            bebop.drone_connection.send_single_pcmd_command(pcmd, *(int(round(v)) for v in values))

    def _require(self) -> Any:
        if self._bebop is None:
            raise self._not_connected()
        return self._bebop
