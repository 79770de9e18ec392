"""Navdata (UDP 5554): the state bits, the DEMO option and the checksum option, encoded and decoded."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag

from drone_ssl_bridge.errors import NavdataParseError

NAVDATA_HEADER = 0x55667788
MAX_NAVDATA_BYTES = 4096
TAG_DEMO = 0
TAG_CHECKSUM = 0xFFFF
DEMO_SIZE = 148  # option size including its 4-byte (tag, size) header
HANDSHAKE = struct.pack("<i", 1)  # what the SDK sends to the drone's 5554 to start the stream

_HEADER = struct.Struct("<IIII")  # header, state, sequence, vision_defined
_OPTION = struct.Struct("<HH")  # tag, size
_DEMO = struct.Struct("<IIfffifffI")  # ctrl_state .. num_frames; the legacy fields after it are zeros
_CHECKSUM = struct.Struct("<HHI")


class NavState(IntFlag):
    """The 32 state bits (SDK config.h)."""

    FLYING = 1 << 0
    VIDEO = 1 << 1
    VISION = 1 << 2
    CONTROL = 1 << 3
    ALTITUDE_CONTROL = 1 << 4
    USER_FEEDBACK_START = 1 << 5
    COMMAND_ACK = 1 << 6
    CAMERA = 1 << 7
    TRAVELLING = 1 << 8
    USB = 1 << 9
    NAVDATA_DEMO = 1 << 10
    NAVDATA_BOOTSTRAP = 1 << 11
    MOTORS_PROBLEM = 1 << 12
    COM_LOST = 1 << 13
    SOFTWARE_FAULT = 1 << 14
    LOW_BATTERY = 1 << 15
    USER_EMERGENCY_LANDING = 1 << 16
    TIMER_ELAPSED = 1 << 17
    MAGNETO_NEEDS_CALIB = 1 << 18
    ANGLES_OUT_OF_RANGE = 1 << 19
    TOO_MUCH_WIND = 1 << 20
    ULTRASOUND_DEAF = 1 << 21
    CUTOUT = 1 << 22
    PIC_VERSION_OK = 1 << 23
    ATCODEC_THREAD_ON = 1 << 24
    NAVDATA_THREAD_ON = 1 << 25
    VIDEO_THREAD_ON = 1 << 26
    ACQ_THREAD_ON = 1 << 27
    CTRL_WATCHDOG = 1 << 28
    ADC_WATCHDOG = 1 << 29
    COM_WATCHDOG = 1 << 30
    EMERGENCY = 1 << 31


class ControlState(IntEnum):
    """The major control state (high 16 bits of the DEMO option's ctrl_state)."""

    DEFAULT = 0
    INIT = 1
    LANDED = 2
    FLYING = 3
    HOVERING = 4
    TEST = 5
    TAKEOFF = 6
    GOTO_FIX = 7
    LANDING = 8
    LOOPING = 9


@dataclass(frozen=True)
class DemoData:
    """The DEMO option in the drone's own units: millidegrees, millimetres, mm/s, percent."""

    ctrl_major: int = ControlState.LANDED
    ctrl_minor: int = 0
    battery_pct: int = 100
    theta_mdeg: float = 0.0  # pitch
    phi_mdeg: float = 0.0  # roll
    psi_mdeg: float = 0.0  # yaw
    altitude_mm: int = 0
    vx_mmps: float = 0.0
    vy_mmps: float = 0.0
    vz_mmps: float = 0.0
    num_frames: int = 0

    @property
    def control_state(self) -> ControlState | None:
        """The major state, or None for a value the SDK does not define."""
        try:
            return ControlState(self.ctrl_major)
        except ValueError:
            return None


@dataclass(frozen=True)
class Navdata:
    """One navdata packet; `options` keeps every option other than DEMO and checksum as raw (tag, data)."""

    state: int
    sequence: int
    vision_defined: int = 0
    demo: DemoData | None = None
    options: tuple[tuple[int, bytes], ...] = field(default=())

    def has(self, bit: NavState) -> bool:
        return bool(self.state & bit)


def checksum(data: bytes) -> int:
    """The checksum option's value: the unsigned 32-bit sum of every byte before it."""
    return sum(data) & 0xFFFFFFFF


def encode_navdata(nav: Navdata) -> bytes:
    """The packet as a drone sends it: header, DEMO option if any, other options, checksum option last."""
    out = bytearray(_HEADER.pack(NAVDATA_HEADER, nav.state & 0xFFFFFFFF, nav.sequence & 0xFFFFFFFF, nav.vision_defined))
    if nav.demo is not None:
        d = nav.demo
        body = _DEMO.pack(
            (d.ctrl_major << 16) | (d.ctrl_minor & 0xFFFF),
            d.battery_pct,
            d.theta_mdeg,
            d.phi_mdeg,
            d.psi_mdeg,
            d.altitude_mm,
            d.vx_mmps,
            d.vy_mmps,
            d.vz_mmps,
            d.num_frames,
        )
        out += _OPTION.pack(TAG_DEMO, DEMO_SIZE) + body + bytes(DEMO_SIZE - _OPTION.size - len(body))
    for tag, data in nav.options:
        out += _OPTION.pack(tag, _OPTION.size + len(data)) + data
    out += _CHECKSUM.pack(TAG_CHECKSUM, _CHECKSUM.size, checksum(out))
    if len(out) > MAX_NAVDATA_BYTES:
        raise NavdataParseError(f"navdata packet of {len(out)} bytes is over the {MAX_NAVDATA_BYTES}-byte limit")
    return bytes(out)


def decode_navdata(data: bytes, require_checksum: bool = True) -> Navdata:
    """Parse and verify one packet; raises NavdataParseError (and nothing else) on any malformed input."""
    if len(data) > MAX_NAVDATA_BYTES:
        raise NavdataParseError(f"packet of {len(data)} bytes is over the {MAX_NAVDATA_BYTES}-byte limit")
    if len(data) < _HEADER.size:
        raise NavdataParseError(f"packet of {len(data)} bytes is shorter than the 16-byte header")
    header, state, sequence, vision = _HEADER.unpack_from(data)
    if header != NAVDATA_HEADER:
        raise NavdataParseError(f"bad header 0x{header:08x}, expected 0x{NAVDATA_HEADER:08x}")
    demo: DemoData | None = None
    options: list[tuple[int, bytes]] = []
    offset, checked = _HEADER.size, False
    while offset + _OPTION.size <= len(data):
        tag, size = _OPTION.unpack_from(data, offset)
        if size < _OPTION.size or offset + size > len(data):
            raise NavdataParseError(f"option tag {tag} at byte {offset} has a bad size {size}")
        if tag == TAG_CHECKSUM:
            if size != _CHECKSUM.size:
                raise NavdataParseError(f"checksum option has size {size}, expected {_CHECKSUM.size}")
            (expected,) = struct.unpack_from("<I", data, offset + _OPTION.size)
            if checksum(data[:offset]) != expected:
                raise NavdataParseError("checksum mismatch: the packet was corrupted")
            checked = True
            break
        if tag == TAG_DEMO:
            demo = _decode_demo(data[offset : offset + size])
        else:
            options.append((tag, bytes(data[offset + _OPTION.size : offset + size])))
        offset += size
    if require_checksum and not checked:
        raise NavdataParseError("packet has no checksum option")
    return Navdata(state, sequence, vision, demo, tuple(options))


def _decode_demo(option: bytes) -> DemoData:
    if len(option) < _OPTION.size + _DEMO.size:
        raise NavdataParseError(f"DEMO option of {len(option)} bytes is too short")
    ctrl, battery, theta, phi, psi, alt, vx, vy, vz, frames = _DEMO.unpack_from(option, _OPTION.size)
    if not all(math.isfinite(v) for v in (theta, phi, psi, vx, vy, vz)):
        raise NavdataParseError("DEMO option holds a non-finite angle or speed")
    if battery > 100:
        raise NavdataParseError(f"DEMO option battery {battery}% is over 100")
    return DemoData(ctrl >> 16, ctrl & 0xFFFF, battery, theta, phi, psi, alt, vx, vy, vz, frames)
