"""The Bebop 2 backend with pyparrot's Bebop class patched by a recording stand-in (no drone, no network)."""

import sys
import time
import types

import pytest

from drone_ssl.errors import DroneDownError, LinkLostError
from drone_ssl.types import Command
from drone_ssl_bridge.bebop2.drone import Bebop2
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_bridge.errors import MissingExtraError, SafetyLandingError


class FakeSensors:
    def __init__(self):
        self.sensors_dict = {"AltitudeChanged_altitude": 0.0}
        self.flying_state = "landed"
        self.battery = 90


class FakeConnection:
    def __init__(self):
        self.pcmds, self.high_priority = [], []

    def send_single_pcmd_command(self, command_tuple, roll, pitch, yaw, vertical):
        self.pcmds.append((roll, pitch, yaw, vertical))

    def send_noparam_high_priority_command_packet(self, command_tuple):
        self.high_priority.append(command_tuple)


class FakeParser:
    def get_command_tuple(self, project, klass, name):
        return (project, klass, name)


class FakeBebop:
    """Records what the backend asks of pyparrot; sensors move as a real Bebop's would."""

    instances: list["FakeBebop"] = []

    def __init__(self, drone_type, ip_address):
        self.drone_type, self.ip = drone_type, ip_address
        self.sensors, self.drone_connection, self.command_parser = FakeSensors(), FakeConnection(), FakeParser()
        self.calls, self.callback, self.sensor_updates = [], None, True
        FakeBebop.instances.append(self)
        self._feeder = None

    def connect(self, retries):
        self.calls.append("connect")
        import threading

        def feed():
            while "disconnect" not in self.calls:
                if self.sensor_updates and self.callback:
                    self.callback(None)
                time.sleep(0.02)

        self._feeder = threading.Thread(target=feed, daemon=True)
        self._feeder.start()
        return True

    def set_user_sensor_callback(self, function, args):
        self.callback = function

    def __getattr__(self, name):  # set_max_tilt, set_hull_protection, ...: record and accept
        if name.startswith("set_"):
            return lambda *a: self.calls.append((name, *a))
        raise AttributeError(name)

    def flat_trim(self, duration):
        self.calls.append("flat_trim")

    def safe_takeoff(self, timeout):
        self.calls.append("takeoff")
        self.sensors.flying_state = "hovering"
        self.sensors.sensors_dict["AltitudeChanged_altitude"] = 1.0

    def safe_land(self, timeout):
        self.land()

    def land(self):
        self.calls.append("land")
        self.sensors.flying_state = "landed"
        self.sensors.sensors_dict["AltitudeChanged_altitude"] = 0.0

    def disconnect(self):
        self.calls.append("disconnect")


@pytest.fixture
def fake_pyparrot(monkeypatch):
    module = types.ModuleType("pyparrot.Bebop")
    module.Bebop = FakeBebop
    monkeypatch.setitem(sys.modules, "pyparrot", types.ModuleType("pyparrot"))
    monkeypatch.setitem(sys.modules, "pyparrot.Bebop", module)
    FakeBebop.instances.clear()
    return FakeBebop


CONFIG = BridgeConfig(backend="bebop2", host="127.0.0.1", navdata_hover_s=0.2, navdata_lost_s=0.5, max_flight_s=60)


def test_fly_maps_commands_to_bebop_pcmd_and_lands_on_exit(fake_pyparrot):
    with Bebop2(CONFIG) as drone:
        bebop = fake_pyparrot.instances[0]
        assert bebop.ip == "127.0.0.1" and ("set_max_tilt", 12.0) in bebop.calls
        drone.takeoff()
        assert bebop.calls.index("flat_trim") < bebop.calls.index("takeoff")
        assert drone.state().flying and drone.state().altitude == 1.0
        drone.send(Command(roll=0.5, pitch=-0.25, gaz=0.1, yaw=-1.0))
        time.sleep(0.15)
        assert bebop.drone_connection.pcmds[-1] == (50, 25, -100, 10)  # Bebop pitch + is forward
        drone.emergency()
        assert bebop.drone_connection.high_priority == [("ardrone3", "Piloting", "Emergency")]
    assert bebop.calls[-2:] == ["land", "disconnect"]


def test_sensor_silence_lands_and_raises(fake_pyparrot):
    with pytest.raises(LinkLostError), Bebop2(CONFIG) as drone:
        drone.takeoff()
        bebop = fake_pyparrot.instances[0]
        bebop.sensor_updates = False
        time.sleep(0.8)
        assert bebop.drone_connection.pcmds[-1] == (0, 0, 0, 0) and bebop.sensors.flying_state == "landed"
        drone.send(Command(pitch=-0.5))


def test_low_battery_lands(fake_pyparrot):
    with pytest.raises(SafetyLandingError, match="battery"), Bebop2(CONFIG) as drone:
        drone.takeoff()
        fake_pyparrot.instances[0].sensors.battery = 10
        time.sleep(0.2)
        drone.send(Command(pitch=-0.5))
    assert fake_pyparrot.instances[0].sensors.flying_state == "landed"


def test_missing_pyparrot_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyparrot", None)
    monkeypatch.setitem(sys.modules, "pyparrot.Bebop", None)
    with pytest.raises(MissingExtraError, match=r"drone_ssl\[bebop\]"):
        Bebop2(CONFIG).connect()


def test_an_emergency_mid_flight_ends_the_flight_and_stops_commanding(fake_pyparrot):
    """The Bebop cuts its motors by itself (a crash): no more moving PCMD, no take-off, the flight ends."""
    with pytest.raises(DroneDownError, match="emergency"), Bebop2(CONFIG) as drone:
        drone.takeoff()
        bebop = fake_pyparrot.instances[0]
        drone.send(Command(pitch=-0.5))
        time.sleep(0.1)
        bebop.sensors.flying_state = "emergency"
        time.sleep(0.15)
        assert bebop.drone_connection.pcmds[-1] == (0, 0, 0, 0)
        assert isinstance(drone.fault, DroneDownError)
        bebop.sensors.flying_state = "landed"  # someone clears it: nothing may take off again
        with pytest.raises(DroneDownError):
            drone.takeoff()
        drone.send(Command(pitch=-0.5))
    assert fake_pyparrot.instances[0].calls.count("takeoff") == 1


def test_its_own_landing_is_down_but_a_requested_one_is_not(fake_pyparrot):
    with Bebop2(CONFIG) as drone:
        drone.takeoff()
        drone.land()
        time.sleep(0.1)
        assert drone.fault is None
        drone.takeoff()
        fake_pyparrot.instances[0].sensors.flying_state = "landing"
        time.sleep(0.1)
        assert isinstance(drone.fault, DroneDownError) and "landing" in drone.fault.reason
