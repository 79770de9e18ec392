"""`ARDrone2`: the `Drone` seam over a real Parrot AR.Drone 2.0 (AT commands, navdata, config) and a stereo stream."""

from __future__ import annotations

import atexit
import logging
import math
import threading
import time
from collections.abc import Callable

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.errors import DroneError
from drone_ssl.types import Command, DroneState
from drone_ssl_bridge.ardrone2.at_link import AtLink
from drone_ssl_bridge.ardrone2.command_loop import CommandLoop
from drone_ssl_bridge.ardrone2.config_handshake import ConfigHandshake
from drone_ssl_bridge.ardrone2.config_link import read_config
from drone_ssl_bridge.ardrone2.navdata_link import NavdataLink
from drone_ssl_bridge.ardrone2.navdata_state import to_drone_state
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState, Navdata, NavState
from drone_ssl_bridge.cameras.frames import StereoSource
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_bridge.linked_drone import LinkedDrone
from drone_ssl_bridge.safety import Action, SafetyLimits

log = logging.getLogger(__name__)

CONFIG_ACK_TIMEOUT_S = 5.0
FTRIM_SETTLE_S = 0.15  # let the FTRIM datagrams go out before the takeoff bit
HOVERING = (ControlState.FLYING, ControlState.HOVERING)


def _bool(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def control_settings(bridge: BridgeConfig, model: DroneModelConfig) -> list[tuple[str, str]]:
    """The drone's limits set to the flight model's, so a Command means the same motion as in the simulator."""
    return [
        ("control:altitude_max", str(round(bridge.max_altitude_m * 1000))),
        ("control:euler_angle_max", f"{math.radians(model.max_tilt_deg):.6f}"),
        ("control:control_vz_max", str(round(model.max_vz_mps * 1000))),
        ("control:control_yaw", f"{math.radians(model.max_yaw_rate_dps):.6f}"),
        ("control:outdoor", _bool(bridge.outdoor)),
        ("control:flight_without_shell", _bool(not bridge.hull)),
    ]


class ARDrone2(LinkedDrone):
    """A real AR.Drone 2.0. Every method returns or raises within the configured timeouts; exiting the context
    manager (normally, by an exception or by Ctrl-C) lands it, and so does the interpreter exiting."""

    name = "the AR.Drone 2.0"

    def __init__(
        self,
        bridge: BridgeConfig | None = None,
        model: DroneModelConfig | None = None,
        stereo: StereoSource | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(bridge or BridgeConfig(), model, stereo, clock)
        self._at: AtLink | None = None
        self._navdata: NavdataLink | None = None
        self._loop: CommandLoop | None = None
        self._stop_waiting = threading.Event()  # a forced landing: the land command is out, stop watching for it
        self._land_failure_reported = False

    # -- the link -----------------------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._loop is not None

    @property
    def fault(self) -> DroneError | None:
        """Why the flight ended on its own (link lost, a safety landing, the drone down), if it did."""
        return None if self._loop is None else self._loop.fault

    def _open_link(self) -> None:
        b = self.bridge
        self._at = AtLink(b.host, b.at_port)
        self._navdata = NavdataLink(b.host, b.navdata_port, self._clock)
        self._navdata.start()
        if self._navdata.wait_for(lambda nav: True, b.connect_timeout_s) is None:
            raise DroneError(
                f"no navdata from {b.host}:{b.navdata_port} within {b.connect_timeout_s:g} s; "
                "is the drone on and this computer on its Wi-Fi?"
            )
        config = ConfigHandshake(tuple(b.session_ids))
        self._loop = CommandLoop(
            self._at, self._navdata, config, SafetyLimits.from_config(b), b.command_period_s, self._clock
        )
        self._loop.start()
        atexit.register(self._land_at_exit)
        self.configure("general:navdata_demo", "TRUE")  # leaves bootstrap mode
        if self._navdata.wait_for(lambda nav: nav.demo is not None, b.connect_timeout_s) is None:
            raise DroneError("the drone acknowledged navdata_demo but sends no DEMO navdata; power-cycle it")
        for key, value in control_settings(b, self.model):
            self.configure(key, value)

    def _close_link(self) -> None:
        atexit.unregister(self._land_at_exit)
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
        for part in (self._navdata, self._at):
            if part is not None:
                part.close()
        self._navdata = self._at = None

    def _set_command(self, command: Command) -> None:
        self._require_loop().set_command(command)

    # -- the Drone protocol -------------------------------------------------------------------------------------
    def takeoff(self) -> None:
        loop, nav = self._require_loop(), self._nav()
        self._raise_fault()  # a flight that ended on its own (the drone down, a lost link) never takes off again
        if nav.has(NavState.EMERGENCY):
            raise DroneError("the drone is in emergency (motors cut); call reset_emergency() once it is safe")
        state = self._state(nav)
        self._check_takeoff_battery(state)
        if not state.flying and self.bridge.flat_trim:
            loop.flat_trim()
            time.sleep(FTRIM_SETTLE_S)
        loop.set_command(Command.hover())
        loop.fly(True)
        hovering = self._wait(
            lambda n: loop.fault is not None or (n.demo is not None and n.demo.control_state in HOVERING)
        )  # a fault (a motor cut during the climb) ends the wait: it is raised below
        if hovering is None:
            self._raise_fault()
            loop.fly(False)
            raise DroneError(f"takeoff did not finish within {self.model.manoeuvre_timeout_s:g} s; landing")
        self._raise_fault()

    def land(self) -> None:
        if self._loop is None:
            return
        self._loop.fly(False)
        landed = self._wait(
            lambda n: not n.has(NavState.FLYING) and (n.demo is None or n.demo.control_state is ControlState.LANDED)
        )
        if landed is None and not self._land_failure_reported and not self._stop_waiting.is_set():
            self._land_failure_reported = True  # the pilot and the context manager both land: say it once
            log.error("no landing confirmed within %.0f s (link %s)", self.model.manoeuvre_timeout_s,
                      "lost" if self._loop.fault else "up")  # fmt: skip

    def request_land(self) -> None:
        """The land command from any thread, at once (the command loop sends it on its next tick)."""
        loop = self._loop
        if loop is not None:
            loop.fly(False)

    def force_land(self) -> None:
        """Land now and stop waiting for the confirmation (a second Ctrl-C): the command loop keeps sending it."""
        self.request_land()
        self._stop_waiting.set()

    def emergency(self) -> None:
        """Cut the motors now (the drone falls). Only on an explicit human request."""
        loop = self._require_loop()
        loop.toggle_emergency(True)
        self._wait(lambda n: n.has(NavState.EMERGENCY), timeout=1.5)

    # -- AR.Drone extras ----------------------------------------------------------------------------------------
    def state(self) -> DroneState:
        """The latest navdata as a DroneState; link_ok False while navdata is late."""
        nav = self._nav()
        _, arrived = self._navdata.latest()
        fresh = arrived is not None and self._clock() - arrived <= self.bridge.navdata_hover_s
        return self._state(nav, fresh)

    def configure(self, key: str, value: str) -> None:
        """Set one configuration key and wait for the drone's acknowledgement; raises DroneError if none comes."""
        pending = self._require_loop().config.submit(key, value)
        if not pending.done.wait(CONFIG_ACK_TIMEOUT_S):
            raise DroneError(f"no acknowledgement of CONFIG {key}={value} within {CONFIG_ACK_TIMEOUT_S:g} s")
        if pending.error is not None:
            raise pending.error

    def read_config(self) -> dict[str, str]:
        """The drone's whole configuration, read back over TCP (config port)."""
        loop = self._require_loop()
        return read_config(self.bridge.host, self.bridge.config_port, loop, timeout=self.bridge.connect_timeout_s)

    def reset_emergency(self) -> None:
        self._require_loop().toggle_emergency(False)
        if self._wait(lambda n: not n.has(NavState.EMERGENCY), timeout=1.5) is None:
            raise DroneError("the drone did not leave emergency; check its LEDs and power-cycle it")

    @property
    def command_loop(self) -> CommandLoop:
        return self._require_loop()

    # -- internals ----------------------------------------------------------------------------------------------
    def _require_loop(self) -> CommandLoop:
        if self._loop is None:
            raise self._not_connected()
        return self._loop

    def _nav(self) -> Navdata:
        self._require_loop()
        nav, _ = self._navdata.latest()
        if nav is None:
            raise DroneError("no navdata received yet")
        return nav

    def _state(self, nav: Navdata, link_ok: bool = True) -> DroneState:
        state = to_drone_state(nav, link_ok)
        if state is None:
            raise DroneError("the drone still sends bootstrap navdata; connect() must finish first")
        return state

    def _wait(self, predicate: Callable[[Navdata], bool], timeout: float | None = None) -> Navdata | None:
        timeout = self.model.manoeuvre_timeout_s if timeout is None else timeout
        deadline = self._clock() + timeout
        while self._navdata is not None and self._clock() < deadline and not self._stop_waiting.is_set():
            nav = self._navdata.wait_for(predicate, min(0.1, deadline - self._clock()))
            if nav is not None:
                return nav
            if self._loop is not None and self._loop.fault is not None and self._loop.verdict is Action.LINK_LOST:
                return None  # no navdata will confirm anything now
        return None

    def _land_at_exit(self) -> None:
        try:
            self.land()
        finally:
            self.close()
