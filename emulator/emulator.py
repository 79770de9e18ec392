"""`ARDroneEmulator`: a simulated AR.Drone 2.0 on 127.0.0.1 speaking the real protocol, its body any `Drone`."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.drone import Drone
from drone_ssl_emulator.at_server import AtServer
from drone_ssl_emulator.body_runner import BodyRunner
from drone_ssl_emulator.config_server import ConfigServer
from drone_ssl_emulator.config_table import default_table
from drone_ssl_emulator.events import EventLog
from drone_ssl_emulator.faults import Faults, FaultyChannel
from drone_ssl_emulator.flight_state import FlightStateMachine, Timing
from drone_ssl_emulator.mjpeg_server import FrameBoard, MjpegServer
from drone_ssl_emulator.navdata_server import NavdataServer
from drone_ssl_emulator.video_server import VideoServer, h264_available
from drone_ssl_sim.errors import SimError

LOOPBACK = "127.0.0.1"


class _Server(Protocol):
    def start(self) -> None: ...

    def close(self) -> None: ...


S = TypeVar("S", bound=_Server)


@dataclass(frozen=True)
class EmulatorPorts:
    """The real AR.Drone ports by default; 0 picks a free port (tests run in parallel that way)."""

    host: str = LOOPBACK
    at: int = 5556
    navdata: int = 5554
    config: int = 5559
    stereo_http: int = 8080
    video: int = 5555  # the front camera, PaVE-framed H.264 (needs PyAV; not served without it)

    @classmethod
    def ephemeral(cls) -> EmulatorPorts:
        return cls(LOOPBACK, 0, 0, 0, 0, 0)


class ARDroneEmulator:
    """Start with `start()` (or `with`); `ports` then holds the bound ports, `stereo_url` the MJPEG stream and
    `ports.video` the front camera's H.264 (0 when PyAV is not installed)."""

    def __init__(
        self,
        body: Drone,
        ports: EmulatorPorts | None = None,
        faults: Faults | None = None,
        model: DroneModelConfig | None = None,
        timing: Timing | None = None,
        time_scale: float = 1.0,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        ports = ports or EmulatorPorts()
        if ports.host != LOOPBACK:
            raise SimError(f"the emulator binds {LOOPBACK} only, not {ports.host}")
        self.faults = faults or Faults()
        self.events = EventLog()
        self.machine = FlightStateMachine(default_table(model or DroneModelConfig()), timing or Timing())
        rng = random.Random(seed)
        self.at_channel = FaultyChannel(self.faults, random.Random(rng.random()))
        self.navdata_channel = FaultyChannel(self.faults, random.Random(rng.random()))
        self._servers: list[_Server] = []
        try:
            self.at_server = self._keep(
                AtServer(self.machine, self.at_channel, self.events, ports.host, ports.at, clock)
            )
            self.navdata_server = self._keep(
                NavdataServer(self.machine, self.navdata_channel, self.events, ports.host, ports.navdata, clock)
            )
            self.config_server = self._keep(ConfigServer(self.machine, ports.host, ports.config))
            self.board = FrameBoard()
            self.mjpeg = self._keep(MjpegServer(self.board, ports.host, ports.stereo_http))
            self.video: VideoServer | None = None
            if h264_available():
                self.video = self._keep(VideoServer(self.board, ports.host, ports.video))
        except BaseException:
            self._close_servers()
            raise
        self.body = BodyRunner(
            body, self.machine, self.board, self.faults, time_scale, self.navdata_server.count_frame, clock
        )
        self.ports = EmulatorPorts(
            ports.host, self.at_server.port, self.navdata_server.port, self.config_server.port, self.mjpeg.port,
            0 if self.video is None else self.video.port,
        )  # fmt: skip
        self._started = False

    @property
    def stereo_url(self) -> str:
        return self.mjpeg.url

    def start(self) -> ARDroneEmulator:
        """Start the body (waits for its first frame), then open the ports."""
        self._started = True
        try:
            self.body.start()
            for server in self._servers:
                server.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.body.close()
        self._close_servers()

    def __enter__(self) -> ARDroneEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_until(self, predicate: Callable[[FlightStateMachine], bool], timeout: float) -> bool:
        """Poll the state machine until `predicate` holds; False on timeout (tests and the CLI use it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.machine):
                return True
            if self.body.error is not None:
                raise SimError(f"the emulator's body failed: {self.body.error}")
            time.sleep(0.01)
        return predicate(self.machine)

    def entered(self, states: tuple, timeout: float) -> float | None:
        """Poll the control state every millisecond; the monotonic time it was first seen in `states` (None on
        timeout): fine enough to time a land command against a 100 ms bound."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.machine.control in states:
                return time.monotonic()
            time.sleep(0.001)
        return None

    def _keep(self, server: S) -> S:
        self._servers.append(server)
        return server

    def _close_servers(self) -> None:
        for server in reversed(self._servers):
            server.close()
        self._servers.clear()
