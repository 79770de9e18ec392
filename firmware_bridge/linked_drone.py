"""`LinkedDrone`: the base of the real drones, a stereo source paired with a link to the drone."""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Callable

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.drone import Drone
from drone_ssl.errors import DroneError
from drone_ssl.types import Command, CommandError, DroneState, Observation
from drone_ssl_bridge.cameras.frames import StereoSource
from drone_ssl_bridge.config import BridgeConfig


class LinkedDrone(Drone):
    """What every real drone does the same way: frames come from the stereo source, state and commands go over
    the drone's link, and a fault of the link (link lost, a safety landing, the drone down) ends the flight at the
    next read or send. A subclass owns only its link: opening and closing it, its state, its fault and how a
    command goes out.
    """

    name = "the drone"  # how messages name it

    def __init__(
        self,
        bridge: BridgeConfig,
        model: DroneModelConfig | None = None,
        stereo: StereoSource | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bridge = bridge
        self.model = model or DroneModelConfig()
        self.frame_period_s = 1.0 / bridge.camera_hz  # the camera's rate is the device's setting, not the sim's
        self.stereo = stereo
        self._clock = clock

    # -- what a link says ---------------------------------------------------------------------------------------
    @property
    @abstractmethod
    def connected(self) -> bool:
        """True once the link is open, until close()."""

    @property
    @abstractmethod
    def fault(self) -> DroneError | None:
        """Why the flight ended on its own (link lost, a safety landing, the drone down), if it did."""

    @abstractmethod
    def state(self) -> DroneState:
        """The drone's latest state; link_ok False while its reports are late."""

    @abstractmethod
    def _open_link(self) -> None:
        """Open the link and start commanding (hover); close() releases whatever this opened before failing."""

    @abstractmethod
    def _close_link(self) -> None:
        """Stop commanding and release the link; idempotent."""

    @abstractmethod
    def _set_command(self, command: Command) -> None:
        """Fly `command` from now on (raises when not connected)."""

    # -- the Drone protocol -------------------------------------------------------------------------------------
    def connect(self) -> None:
        if self.connected:
            return
        try:
            self._open_link()
            if self.stereo is not None:
                self.stereo.open()
        except BaseException:
            self.close()
            raise

    def read(self) -> Observation:
        if self.stereo is None:
            raise DroneError(f"no stereo source: pass --stereo URL (and --calib FILE) to fly {self.name}")
        self._raise_fault()
        frame = self.stereo.read()
        state = self.state()
        self._raise_fault()  # the link may have failed while the frame was awaited; its fault says why, not the state
        return Observation(frame.t, frame.left, frame.right, state)

    def send(self, command: Command) -> None:
        self._raise_fault()
        self._set_command(_checked(command))

    def close(self) -> None:
        self._close_link()
        if self.stereo is not None:
            self.stereo.close()

    # -- for the subclasses -------------------------------------------------------------------------------------
    def _raise_fault(self) -> None:
        fault = self.fault
        if fault is not None:
            raise fault

    def _not_connected(self) -> DroneError:
        return DroneError(f"{self.name} is not connected; call connect() (or use it as a context manager)")

    def _check_takeoff_battery(self, state: DroneState) -> None:
        if state.battery < self.bridge.min_battery_pct:
            raise DroneError(f"battery {state.battery:.0f}% is under bridge.min_battery_pct; charge it first")


def _checked(command: Command) -> Command:
    """`command` when it is a Command of finite, in-range numbers; a forged one (its checks bypassed) is refused."""
    if not isinstance(command, Command):
        raise CommandError(f"send() takes a Command, got {type(command).__name__}")
    Command(command.roll, command.pitch, command.gaz, command.yaw)  # re-runs the checks; raises CommandError
    return command
