"""Navdata encode/decode: round trip, checksum, unknown options, and fuzzed input raising only the typed error."""

import contextlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drone_ssl_bridge.ardrone2.protocol.navdata import (
    NAVDATA_HEADER,
    ControlState,
    DemoData,
    Navdata,
    NavState,
    checksum,
    decode_navdata,
    encode_navdata,
)
from drone_ssl_bridge.errors import NavdataParseError

DEMO = DemoData(ControlState.HOVERING, 0, 87, -1500.0, 250.5, 90000.0, 1012, 120.0, -30.0, 5.0, 7)


def test_round_trip_keeps_every_field():
    nav = Navdata(NavState.FLYING | NavState.NAVDATA_DEMO, 42, 1, DEMO, ((0x10, b"abcd"),))
    packet = encode_navdata(nav)
    assert struct.unpack_from("<I", packet)[0] == NAVDATA_HEADER
    assert decode_navdata(packet) == nav
    assert decode_navdata(packet).demo.control_state is ControlState.HOVERING


def test_demo_option_lies_at_the_documented_offsets():
    packet = encode_navdata(Navdata(0, 1, 0, DEMO))
    option = packet[16:]
    assert struct.unpack_from("<HH", option) == (0, 148)
    assert struct.unpack_from("<I", option, 4)[0] == ControlState.HOVERING << 16
    assert struct.unpack_from("<I", option, 8)[0] == 87
    assert struct.unpack_from("<i", option, 24)[0] == 1012
    assert struct.unpack_from("<f", option, 28)[0] == pytest.approx(120.0)


def test_bootstrap_packet_is_header_and_checksum_only():
    packet = encode_navdata(Navdata(NavState.NAVDATA_BOOTSTRAP, 1))
    assert len(packet) == 16 + 8
    assert struct.unpack_from("<HHI", packet, 16) == (0xFFFF, 8, checksum(packet[:16]))
    assert decode_navdata(packet).demo is None


def test_checksum_mismatch_is_detected():
    packet = bytearray(encode_navdata(Navdata(0, 1, 0, DEMO)))
    packet[30] ^= 0x01
    with pytest.raises(NavdataParseError, match="checksum"):
        decode_navdata(bytes(packet))


def test_unknown_options_are_skipped_by_their_size():
    nav = Navdata(0, 3, 0, DEMO, ((27, bytes(range(20))), (1, b"")))
    assert decode_navdata(encode_navdata(nav)).demo == DEMO


@pytest.mark.parametrize(
    ("packet", "match"),
    [
        (b"\x88\x77\x66", "shorter"),
        (struct.pack("<IIII", 0x12345678, 0, 0, 0), "header"),
        (struct.pack("<IIIIHH", NAVDATA_HEADER, 0, 0, 0, 0, 2), "size"),
        (struct.pack("<IIII", NAVDATA_HEADER, 0, 0, 0), "no checksum"),
        (bytes(5000), "over"),
    ],
)
def test_malformed_packets(packet, match):
    with pytest.raises(NavdataParseError, match=match):
        decode_navdata(packet)


def test_non_finite_demo_values_are_rejected():
    bad = encode_navdata(Navdata(0, 1, 0, DemoData(theta_mdeg=float("nan"))))
    with pytest.raises(NavdataParseError, match="non-finite"):
        decode_navdata(bad)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_fuzzed_bytes_raise_only_the_parse_error(data):
    with contextlib.suppress(NavdataParseError):
        decode_navdata(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 0xFFFFFFFF))
def test_fuzzed_bodies_behind_a_valid_header_raise_only_the_parse_error(body, state):
    head = struct.pack("<IIII", NAVDATA_HEADER, state, 1, 0) + body
    for data in (head, head + struct.pack("<HHI", 0xFFFF, 8, checksum(head))):
        with contextlib.suppress(NavdataParseError):
            decode_navdata(data)
