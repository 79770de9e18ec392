"""One command-loop tick, without sockets: COMWDG on the watchdog bit, hover on late navdata, the config handshake."""

from drone_ssl.errors import LinkLostError
from drone_ssl.types import Command
from drone_ssl_bridge.ardrone2.command_loop import CommandLoop
from drone_ssl_bridge.ardrone2.config_handshake import ConfigHandshake
from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.navdata import ControlState, DemoData, Navdata, NavState
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_bridge.safety import SafetyLimits


class FakeNavdata:
    def __init__(self):
        self.nav, self.arrived = None, None

    def latest(self):
        return self.nav, self.arrived


def make_loop():
    now, nav = [0.0], FakeNavdata()  # a clock the test moves by hand
    loop = CommandLoop(
        None, nav, ConfigHandshake(("0" * 8,) * 3), SafetyLimits.from_config(BridgeConfig()), 0.03, lambda: now[0]
    )
    return loop, nav, now


def encoded(builders, seq=1):
    return [b(seq) for b in builders]


def demo(flags=0, control=ControlState.HOVERING):
    return Navdata(NavState.FLYING | flags, 1, 0, DemoData(control, 0, 90, altitude_mm=1000))


def test_watchdog_bit_gets_a_comwdg_first():
    loop, nav, now = make_loop()
    nav.nav, nav.arrived = demo(NavState.COM_WATCHDOG), now[0]
    commands = encoded(loop.tick(now[0]))
    assert [c.name for c in commands] == ["COMWDG", "REF", "PCMD"]


def test_flying_command_goes_out_and_late_navdata_means_hover():
    loop, nav, now = make_loop()
    loop.fly(True)
    loop.set_command(Command(pitch=-0.8))
    nav.nav, nav.arrived = demo(), now[0]
    ref, pcmd = encoded(loop.tick(now[0]))
    assert at.decode_ref(ref).takeoff and pcmd.args[2] == -1085485875
    now[0] += 1.0  # navdata 1 s old: over navdata_hover_s, under navdata_lost_s
    ref, pcmd = encoded(loop.tick(now[0]))
    assert at.decode_ref(ref).takeoff and at.decode_pcmd(pcmd).hover
    now[0] += 1.5
    ref, pcmd = encoded(loop.tick(now[0]))
    assert not at.decode_ref(ref).takeoff and isinstance(loop.fault, LinkLostError)


def test_config_handshake_waits_for_the_ack_and_clears_it():
    loop, nav, now = make_loop()
    nav.nav, nav.arrived = demo(), now[0]
    pending = loop.config.submit("general:navdata_demo", "TRUE")
    names = [c.name for c in encoded(loop.tick(now[0]))]
    assert names[:2] == ["CONFIG_IDS", "CONFIG"]
    nav.nav = demo(NavState.COMMAND_ACK)
    ctrl = encoded(loop.tick(now[0]))[0]
    assert ctrl.name == "CTRL" and ctrl.args[0] == at.CtrlMode.ACK
    assert not pending.done.is_set()
    nav.nav = demo()
    loop.tick(now[0])
    assert pending.done.is_set() and pending.error is None


def test_unacknowledged_config_fails_after_retries():
    loop, nav, now = make_loop()
    nav.nav = demo()
    pending = loop.config.submit("control:outdoor", "FALSE")
    for _ in range(20):
        nav.arrived = now[0]
        loop.tick(now[0])
        now[0] += 0.3
    assert pending.done.is_set() and "never acknowledged" in str(pending.error)


def test_flat_trim_only_while_landed():
    loop, nav, now = make_loop()
    nav.nav, nav.arrived = demo(control=ControlState.LANDED), now[0]
    loop.flat_trim()
    assert [c.name for c in encoded(loop.tick(now[0]))] == ["FTRIM", "REF", "PCMD"]
