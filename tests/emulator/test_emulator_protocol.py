"""The loopback emulator speaks the AR.Drone 2.0 protocol to a raw client: handshake, bootstrap -> demo, REF and
sequence rules, watchdog and link-lost bits, config read-back, the MJPEG stereo stream, fault injection."""

import socket
import time

import cv2
import numpy as np
import pytest

from drone_ssl.airframe import DroneModelConfig
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.config_readback import ConfigReadback
from drone_ssl_bridge.ardrone2.protocol.navdata import HANDSHAKE, ControlState, NavState, decode_navdata
from drone_ssl_bridge.errors import NavdataParseError
from drone_ssl_emulator import ARDroneEmulator, EmulatorPorts, Faults, KinematicBody, Timing

MODEL = DroneModelConfig(takeoff_altitude_m=0.4)


@pytest.fixture
def emu():
    emulator = ARDroneEmulator(
        KinematicBody(MODEL), EmulatorPorts.ephemeral(), Faults(), MODEL, Timing(link_lost_s=0.5, demo_hz=50.0), 5.0
    )
    with emulator:
        yield emulator


class RawClient:
    """A minimal hand-written client: AT datagrams out, navdata in, everything on 127.0.0.1."""

    def __init__(self, emu):
        self.at = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.at.connect(("127.0.0.1", emu.ports.at))
        self.nav = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.nav.connect(("127.0.0.1", emu.ports.navdata))
        self.nav.settimeout(1.0)
        self.nav.send(HANDSHAKE)

    def send(self, text: str):
        self.at.send(text.encode())

    def packet(self):
        return decode_navdata(self.nav.recv(4096))

    def wait_packet(self, predicate, timeout=2.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            nav = self.packet()
            if predicate(nav):
                return nav
        raise AssertionError("no navdata packet matched")

    def close(self):
        self.at.close()
        self.nav.close()


def drain(client: RawClient) -> None:
    client.nav.setblocking(False)
    try:
        while True:
            client.nav.recv(4096)
    except BlockingIOError:
        pass
    finally:
        client.nav.settimeout(1.0)


@pytest.fixture
def client(emu):
    c = RawClient(emu)
    yield c
    c.close()


def test_bootstrap_then_demo_after_config_and_ack(emu, client):
    first = client.packet()
    assert first.has(NavState.NAVDATA_BOOTSTRAP) and first.demo is None
    client.send('AT*CONFIG=1,"general:navdata_demo","TRUE"\r')
    acked = client.wait_packet(lambda n: n.has(NavState.COMMAND_ACK))
    assert acked.has(NavState.NAVDATA_DEMO) and not acked.has(NavState.NAVDATA_BOOTSTRAP)
    client.send("AT*CTRL=2,5,0\r")
    demo = client.wait_packet(lambda n: not n.has(NavState.COMMAND_ACK) and n.demo is not None)
    assert demo.demo.control_state is ControlState.LANDED and demo.demo.battery_pct == 100


def test_bare_ref_values_newline_endings_and_sequence_from_zero(emu, client):
    client.send("AT*REF=0,512\nAT*PCMD=5,0,0,0,0,0\n")  # bare takeoff bit, LF endings, sequence from 0
    assert emu.wait_until(lambda m: m.control is ControlState.HOVERING, 3.0)
    client.send("AT*REF=3,290717696\r")  # an older sequence number: ignored
    time.sleep(0.1)
    assert emu.machine.airborne and emu.at_server.ignored_commands == 1
    client.send("AT*REF=6,0\r")  # bare land
    assert emu.wait_until(lambda m: m.control is ControlState.LANDED, 3.0)


def test_pcmd_flies_and_emergency_toggles(emu, client):
    client.send(at.ref(1, takeoff=True).encode().decode())
    assert emu.wait_until(lambda m: m.control is ControlState.HOVERING, 3.0)
    for seq in range(2, 12):
        client.send(at.pcmd(seq, 0.0, -0.5, 0.0, 0.0).encode().decode())
        time.sleep(0.02)
    assert emu.machine.control is ControlState.FLYING
    client.send(at.ref(20, takeoff=True, emergency=True).encode().decode())
    nav = client.wait_packet(lambda n: n.has(NavState.EMERGENCY))
    assert emu.wait_until(lambda m: m.control is ControlState.LANDED, 2.0) and nav is not None
    client.send(at.ref(21, takeoff=False).encode().decode() + at.ref(22, False, emergency=True).encode().decode())
    assert emu.wait_until(lambda m: not m.emergency, 1.0)


def test_watchdog_bit_after_50_ms_and_link_lost_lands(emu, client):
    client.send(at.ref(1, takeoff=True).encode().decode())
    assert emu.wait_until(lambda m: m.control is ControlState.HOVERING, 3.0)
    nav = client.wait_packet(lambda n: n.has(NavState.COM_WATCHDOG), timeout=1.0)  # we stopped sending
    assert nav.has(NavState.FLYING)
    client.wait_packet(lambda n: n.has(NavState.COM_LOST), timeout=2.0)
    assert emu.wait_until(lambda m: m.control is ControlState.LANDED, 3.0)
    client.send(at.comwdg(2).encode().decode())
    assert client.wait_packet(lambda n: not n.has(NavState.COM_WATCHDOG) and not n.has(NavState.COM_LOST), 1.0)


def test_oversized_datagram_is_dropped_whole(emu, client):
    client.send("AT*REF=1,290718208\r" + "AT*COMWDG=2\r" * 90)
    time.sleep(0.2)
    assert emu.at_server.bad_datagrams == 1 and not emu.machine.airborne


def test_config_read_back_over_tcp(emu, client):
    with socket.create_connection(("127.0.0.1", emu.ports.config), timeout=2.0) as tcp:
        time.sleep(0.1)
        client.send('AT*CONFIG=1,"control:altitude_max","2000"\rAT*CTRL=2,4,0\r')
        reader, config = ConfigReadback(), None
        while config is None:
            config = reader.feed(tcp.recv(4096))
    assert config["control:altitude_max"] == "2000" and config["video:video_codec"] == "129"


def test_stereo_stream_reads_with_videocapture(emu):
    cap = cv2.VideoCapture(emu.stereo_url)
    try:
        assert cap.isOpened()
        ok, frame = cap.read()
    finally:
        cap.release()
    assert ok and frame.shape[:2] == (96, 256)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.int16)
    left, right = gray[:, :128], gray[:, 128:]
    d = 3  # the kinematic body's wall: f * B / 2 m = 110.9 px * 0.06 m / 2 m
    shifted = np.abs(left[:, d:] - right[:, :-d]).mean()
    assert shifted < 0.5 * np.abs(left - right).mean()  # the right view is the left one shifted by the disparity


def test_fault_injection_corrupts_silences_and_drains(emu, client):
    emu.faults.corrupt_pct = 100.0
    time.sleep(0.1)
    drain(client)  # packets queued before the fault are intact
    bad = 0
    for _ in range(5):
        try:
            client.packet()
        except NavdataParseError:
            bad += 1
    assert bad == 5
    emu.faults.corrupt_pct = 0.0
    emu.faults.navdata_silent = True
    time.sleep(0.1)
    drain(client)
    client.nav.settimeout(0.3)
    with pytest.raises(TimeoutError):
        client.nav.recv(4096)
    emu.faults.navdata_silent = False
    emu.faults.battery_drain_pct_per_s = 200.0
    client.nav.settimeout(1.0)
    client.send('AT*CONFIG=1,"general:navdata_demo","TRUE"\r')
    low = client.wait_packet(lambda n: n.has(NavState.LOW_BATTERY), timeout=3.0)
    assert emu.machine.battery < 20.0 and low is not None


def test_total_loss_means_nothing_arrives(emu, client):
    emu.faults.loss_pct = 100.0
    client.send(at.ref(1, takeoff=True).encode().decode())
    time.sleep(0.2)
    assert emu.machine.commands_received == 0
    client.nav.settimeout(0.3)
    with pytest.raises(TimeoutError):
        while True:
            client.packet()


def test_emulator_binds_loopback_only():
    with pytest.raises(Exception, match="127.0.0.1"):
        ARDroneEmulator(KinematicBody(MODEL), EmulatorPorts("0.0.0.0", 0, 0, 0, 0))


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "-5", "1e400", ""])
def test_bad_config_values_are_ignored_like_the_real_drone_does(emu, client, value):
    """One bad datagram must neither end the emulator nor lift the altitude cap: the old value stays."""
    client.send(at.ref(1, takeoff=True).encode().decode())
    assert emu.wait_until(lambda m: m.control is ControlState.HOVERING, 3.0)
    client.send(f'AT*CONFIG=2,"control:altitude_max","{value}"\r')
    client.send(f'AT*CONFIG=3,"general:navdata_demo","{value}"\r')
    time.sleep(0.2)
    assert emu.machine.config["control:altitude_max"] == "3000" and emu.machine.config["general:navdata_demo"]
    assert ("control:altitude_max", value) in emu.machine.ignored_config and emu.body.error is None
    client.send('AT*CONFIG=4,"control:altitude_max","2000"\r')  # a good value still takes effect
    for seq in range(5, 15):
        client.send(at.pcmd(seq, 0.0, -0.3, 0.0, 0.0).encode().decode())
        time.sleep(0.02)
    assert emu.machine.config["control:altitude_max"] == "2000"
    assert emu.machine.control is ControlState.FLYING and emu.body.error is None


def test_a_nan_pcmd_hovers_instead_of_flying_full_deflection(emu, client):
    client.send(at.ref(1, takeoff=True).encode().decode())
    assert emu.wait_until(lambda m: m.control is ControlState.HOVERING, 3.0)
    nan_bits = 0x7FC00000 - (1 << 32)  # a float NaN as the signed int PCMD carries
    client.send(f"AT*PCMD=2,1,0,{nan_bits},0,0\r")
    time.sleep(0.1)
    assert emu.machine.command_for_body().is_hover and emu.body.error is None
    assert emu.machine.control is ControlState.HOVERING
