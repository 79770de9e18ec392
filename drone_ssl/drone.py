"""The `Drone` seam: one contract that the simulator and the real AR.Drone 2.0 both implement."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, runtime_checkable

from drone_ssl.types import Command, Observation


@runtime_checkable
class Drone(Protocol):
    """A drone with a stereo camera, flown one stereo frame at a time.

    Implementations subclass this protocol explicitly to inherit the context
    manager, whose exit always lands: a run that ends by Ctrl-C, an exception or
    a normal return leaves the drone on the ground.
    """

    # Seconds between stereo frames, the loop's period: the device's to say (the simulator's sim.camera_hz,
    # a real drone's bridge.camera_hz), never a setting of another device.
    frame_period_s: float

    def connect(self) -> None:
        """Open the link (or start the simulation); idempotent."""
        ...

    def takeoff(self) -> None:
        """Take off and return once the drone hovers at its takeoff altitude."""
        ...

    def land(self) -> None:
        """Land and return once the drone is on the ground; safe to call when landed."""
        ...

    def request_land(self) -> None:
        """Send the land command now, from any thread, without waiting (a signal's watcher calls it).

        The default does nothing: the flight's own thread lands right after (the simulator's time only moves
        in that thread). A real drone overrides it so the command goes out even while that thread is busy."""
        return

    def emergency(self) -> None:
        """Cut the motors at once. Only ever on an explicit human request."""
        ...

    def read(self) -> Observation:
        """Block until the next stereo frame and return it."""
        ...

    def send(self, command: Command) -> None:
        """Fly with `command` until the next one (hover when it is all zero)."""
        ...

    def close(self) -> None:
        """Release the link or the simulation; idempotent."""
        ...

    def __enter__(self) -> Drone:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.land()
        finally:
            self.close()
