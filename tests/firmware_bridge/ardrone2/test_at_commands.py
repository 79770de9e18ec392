"""AT command encoding against the developer guide's worked values, and decoding as the emulator does it."""

import pytest

from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.errors import AtParseError


def test_float_arguments_are_sent_as_int32_with_the_same_bits():
    assert at.float_bits(-0.8) == -1085485875
    assert at.float_bits(0.5) == 1056964608
    assert at.float_bits(-0.5) == -1090519040
    assert at.bits_float(-1085485875) == pytest.approx(-0.8)


def test_ref_values_match_the_guide():
    assert at.ref(1, takeoff=True).encode() == b"AT*REF=1,290718208\r"
    assert at.ref(2, takeoff=False).encode() == b"AT*REF=2,290717696\r"
    assert at.ref(3, takeoff=False, emergency=True).encode() == b"AT*REF=3,290717952\r"


def test_pcmd_encodes_progressive_flag_and_hover():
    assert at.pcmd(5, 0.0, 0.0, 0.0, 0.0).encode() == b"AT*PCMD=5,0,0,0,0,0\r"
    assert at.pcmd(6, 0.0, -0.8, 0.5, 0.0).encode() == b"AT*PCMD=6,1,0,-1085485875,1056964608,0\r"
    mag = at.pcmd_mag(7, 0.1, 0.0, 0.0, 0.0, 0.5, 0.1)
    assert mag.name == "PCMD_MAG" and mag.args[0] == at.PcmdFlag.PROGRESSIVE | at.PcmdFlag.ABSOLUTE


def test_other_commands_have_the_sdk_formats():
    assert at.ftrim(9).encode() == b"AT*FTRIM=9\r"
    assert at.config(10, "general:navdata_demo", "TRUE").encode() == b'AT*CONFIG=10,"general:navdata_demo","TRUE"\r'
    assert at.config_ids(11, "a1", "b2", "c3").encode() == b'AT*CONFIG_IDS=11,"a1","b2","c3"\r'
    assert at.ctrl(12, at.CtrlMode.ACK).encode() == b"AT*CTRL=12,5,0\r"
    assert at.comwdg(13).encode() == b"AT*COMWDG=13\r"
    assert at.calib(14).encode() == b"AT*CALIB=14,0\r"


def test_round_trip_through_the_parser():
    commands = [at.ref(1, True), at.pcmd(2, 0.25, -0.5, 0.1, -1.0), at.config(3, "video:video_channel", "0")]
    datagram = b"".join(c.encode() for c in commands)
    assert at.parse_datagram(datagram) == commands
    pcmd = at.decode_pcmd(at.parse_datagram(datagram)[1])
    assert not pcmd.hover
    assert (pcmd.roll, pcmd.pitch, pcmd.gaz, pcmd.yaw) == pytest.approx((0.25, -0.5, 0.1, -1.0))


def test_parser_accepts_newline_endings_and_bare_ref_values():
    commands = at.parse_datagram(b"AT*REF=0,512\nAT*REF=1,256\r\nAT*COMWDG=2\n")
    assert [c.seq for c in commands] == [0, 1, 2]
    assert at.decode_ref(commands[0]) == at.RefBits(takeoff=True, emergency=False)
    assert at.decode_ref(commands[1]) == at.RefBits(takeoff=False, emergency=True)


def test_datagrams_never_exceed_1024_bytes_and_never_split_a_command():
    commands = [at.config(i, "general:navdata_demo", "TRUE") for i in range(100)]
    datagrams = at.pack_datagrams(commands)
    assert len(datagrams) > 1
    assert all(len(d) <= at.MAX_DATAGRAM_BYTES for d in datagrams)
    assert [c for d in datagrams for c in at.parse_datagram(d)] == commands


@pytest.mark.parametrize(
    "raw",
    [b"A" * 1025, b"AT*REF", b"HELLO=1,2\r", b"AT*PCMD=x,1\r", b'AT*CONFIG=1,"open\r', b"\xff\xfe", b"AT*=1\r"],
)
def test_malformed_datagrams_raise_the_typed_error(raw):
    with pytest.raises(AtParseError):
        at.parse_datagram(raw)


def test_decode_rejects_the_wrong_command():
    with pytest.raises(AtParseError):
        at.decode_ref(at.comwdg(1))
    with pytest.raises(AtParseError):
        at.decode_pcmd(at.AtCommand("PCMD", 1, (1, 2)))
