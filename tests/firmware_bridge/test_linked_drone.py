"""`LinkedDrone` with a fake link and a fake stereo source: what every real drone inherits, without a drone."""

import numpy as np
import pytest

from drone_ssl.errors import DroneError, LinkLostError
from drone_ssl.types import Command, CommandError, DroneState
from drone_ssl_bridge.cameras.frames import StereoFrame
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_bridge.errors import StereoStreamError
from drone_ssl_bridge.linked_drone import LinkedDrone

LEFT = np.full((4, 6), 10, np.uint8)
RIGHT = np.full((4, 6), 20, np.uint8)


class FakeStereo:
    def __init__(self, fail: bool = False):
        self.fail, self.events, self.reads = fail, [], 0

    def open(self):
        self.events.append("open")

    def read(self):
        self.reads += 1
        if self.fail:
            raise StereoStreamError("no frame within 1 s")
        return StereoFrame(0.25 * self.reads, LEFT, RIGHT)

    def close(self):
        self.events.append("close")


class FakeLinkDrone(LinkedDrone):
    """A link that records what goes out; its state carries a battery that counts the state reads."""

    name = "the fake drone"

    def __init__(self, stereo=None, fail_open: bool = False, **bridge):
        super().__init__(BridgeConfig(**bridge), stereo=stereo)
        self.fail_open, self.open, self.sent, self.log, self.state_reads = fail_open, False, [], [], 0
        self.link_fault = None

    @property
    def connected(self):
        return self.open

    @property
    def fault(self):
        return self.link_fault

    def state(self):
        self.state_reads += 1
        return DroneState(None, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), 1.0, float(self.state_reads), True)

    def _open_link(self):
        self.log.append("open link")
        self.open = True
        if self.fail_open:
            raise DroneError("the handshake failed")

    def _close_link(self):
        self.log.append("close link")
        self.open = False

    def _set_command(self, command):
        if not self.open:
            raise self._not_connected()
        self.sent.append(command)

    def takeoff(self):
        self._check_takeoff_battery(self.state())

    def land(self):
        self.log.append("land")

    def emergency(self):
        pass


def test_read_pairs_the_frame_with_the_state_read_after_it():
    stereo = FakeStereo()
    with FakeLinkDrone(stereo) as drone:
        assert stereo.events == ["open"]
        first, second = drone.read(), drone.read()
    assert (first.t, second.t) == (0.25, 0.5)
    assert first.left is LEFT and first.right is RIGHT
    assert (first.state.battery, second.state.battery) == (1.0, 2.0)  # a fresh state for every frame
    assert drone.log == ["open link", "land", "close link"] and stereo.events == ["open", "close"]


def test_a_source_failure_is_its_typed_error_and_the_exit_still_lands():
    drone = FakeLinkDrone(FakeStereo(fail=True))
    with pytest.raises(StereoStreamError, match="no frame"), drone:
        drone.read()
    assert drone.log == ["open link", "land", "close link"]


def test_no_stereo_source_is_a_drone_error_naming_the_drone():
    with pytest.raises(DroneError, match="no stereo source: .* to fly the fake drone"), FakeLinkDrone() as drone:
        drone.read()


def test_a_link_fault_ends_the_flight_at_the_next_read_or_send():
    drone = FakeLinkDrone(FakeStereo())
    drone.connect()
    drone.link_fault = LinkLostError("link lost: no navdata for 1.0 s")
    with pytest.raises(LinkLostError):
        drone.read()
    with pytest.raises(LinkLostError):
        drone.send(Command.hover())
    assert drone.stereo.reads == 0 and drone.sent == []


def test_send_passes_commands_and_refuses_forged_non_finite_ones():
    with FakeLinkDrone() as drone:
        drone.send(Command(pitch=-0.5))
        forged = Command()
        object.__setattr__(forged, "gaz", float("nan"))  # a Command whose own checks were bypassed
        with pytest.raises(CommandError, match="gaz"):
            drone.send(forged)
        with pytest.raises(CommandError, match="takes a Command"):
            drone.send((0.0, 0.0, 0.0, 0.0))
    assert drone.sent == [Command(pitch=-0.5)]


def test_send_before_connect_says_how_to_connect():
    with pytest.raises(DroneError, match="the fake drone is not connected; call connect"):
        FakeLinkDrone().send(Command.hover())


def test_a_failed_connect_releases_the_link_and_the_source():
    stereo = FakeStereo()
    drone = FakeLinkDrone(stereo, fail_open=True)
    with pytest.raises(DroneError, match="handshake"):
        drone.connect()
    assert drone.log == ["open link", "close link"] and not drone.connected
    assert stereo.events == ["close"]  # never opened: the link failed first


def test_connect_is_idempotent():
    stereo = FakeStereo()
    drone = FakeLinkDrone(stereo)
    drone.connect()
    drone.connect()
    assert drone.log == ["open link"] and stereo.events == ["open"]


def test_the_frame_period_comes_from_bridge_camera_hz():
    assert FakeLinkDrone(camera_hz=20.0).frame_period_s == pytest.approx(0.05)
    assert FakeLinkDrone(camera_hz=8.0).frame_period_s == pytest.approx(0.125)


def test_takeoff_refuses_a_battery_under_the_minimum():
    drone = FakeLinkDrone(min_battery_pct=25.0)
    with pytest.raises(DroneError, match=r"battery 1% is under bridge.min_battery_pct"), drone:
        drone.takeoff()
    assert drone.log[-2:] == ["land", "close link"]


def test_a_subclass_must_say_how_its_link_works():
    class NoLink(LinkedDrone):
        pass

    with pytest.raises(TypeError, match="abstract"):
        NoLink(BridgeConfig())
