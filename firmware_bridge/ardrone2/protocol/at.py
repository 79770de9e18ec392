"""AT commands (UDP 5556): encode every command the bridge sends and decode them again for the emulator."""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, IntFlag

from drone_ssl_bridge.errors import AtParseError

# REF: the developer guide says bits 18, 20, 22, 24 and 28 are always set; bit 9 takes off, bit 8 toggles emergency.
REF_BASE = (1 << 18) | (1 << 20) | (1 << 22) | (1 << 24) | (1 << 28)
REF_TAKEOFF = 1 << 9
REF_EMERGENCY = 1 << 8
MAX_DATAGRAM_BYTES = 1024  # the drone rejects a larger datagram whole


class PcmdFlag(IntFlag):
    PROGRESSIVE = 1  # unset: hover, the other arguments are ignored
    COMBINED_YAW = 2
    ABSOLUTE = 4  # magnetometer (PCMD_MAG) control


class CtrlMode(IntEnum):
    CONFIG_GET = 4  # the drone sends its configuration over TCP 5559
    ACK = 5  # acknowledge a CONFIG: clears the command-ACK state bit


class CalibDevice(IntEnum):
    MAGNETOMETER = 0


def float_bits(value: float) -> int:
    """The signed int32 with the same IEEE-754 bits as the float32 `value` (how PCMD sends floats)."""
    return struct.unpack("<i", struct.pack("<f", value))[0]


def bits_float(value: int) -> float:
    """Inverse of float_bits."""
    return struct.unpack("<f", struct.pack("<i", value))[0]


@dataclass(frozen=True)
class AtCommand:
    """One AT command: its name (REF, PCMD, ...), sequence number and further arguments (ints or strings)."""

    name: str
    seq: int
    args: tuple[int | str, ...] = ()

    def encode(self) -> bytes:
        parts = [str(self.seq)] + [f'"{a}"' if isinstance(a, str) else str(int(a)) for a in self.args]
        return f"AT*{self.name}={','.join(parts)}\r".encode("ascii")


# --- builders: one function per command of the SDK's at_msgs.h -------------------------------------------------


def ref(seq: int, takeoff: bool, emergency: bool = False) -> AtCommand:
    value = REF_BASE | (REF_TAKEOFF if takeoff else 0) | (REF_EMERGENCY if emergency else 0)
    return AtCommand("REF", seq, (value,))


def pcmd(seq: int, roll: float, pitch: float, gaz: float, yaw: float, combined_yaw: bool = False) -> AtCommand:
    """Progressive command; all zero is sent as a hover (flag 0), as the SDK does."""
    if roll == pitch == gaz == yaw == 0.0:
        return AtCommand("PCMD", seq, (0, 0, 0, 0, 0))
    flag = PcmdFlag.PROGRESSIVE | (PcmdFlag.COMBINED_YAW if combined_yaw else 0)
    return AtCommand("PCMD", seq, (int(flag), *(float_bits(v) for v in (roll, pitch, gaz, yaw))))


def pcmd_mag(seq: int, roll: float, pitch: float, gaz: float, yaw: float, psi: float, psi_accuracy: float) -> AtCommand:
    """Absolute (magnetometer) control; psi in [-1, 1] of a half turn, psi_accuracy its tolerance."""
    flag = PcmdFlag.PROGRESSIVE | PcmdFlag.ABSOLUTE
    values = (roll, pitch, gaz, yaw, psi, psi_accuracy)
    return AtCommand("PCMD_MAG", seq, (int(flag), *(float_bits(v) for v in values)))


def ftrim(seq: int) -> AtCommand:
    return AtCommand("FTRIM", seq)


def config(seq: int, key: str, value: str) -> AtCommand:
    return AtCommand("CONFIG", seq, (key, value))


def config_ids(seq: int, session_id: str, profile_id: str, application_id: str) -> AtCommand:
    return AtCommand("CONFIG_IDS", seq, (session_id, profile_id, application_id))


def ctrl(seq: int, mode: CtrlMode) -> AtCommand:
    return AtCommand("CTRL", seq, (int(mode), 0))


def comwdg(seq: int) -> AtCommand:
    return AtCommand("COMWDG", seq)


def calib(seq: int, device: CalibDevice = CalibDevice.MAGNETOMETER) -> AtCommand:
    return AtCommand("CALIB", seq, (int(device),))


def pack_datagrams(commands: Iterable[AtCommand]) -> list[bytes]:
    """Group commands into as few datagrams as fit in 1,024 bytes each; a command never spans two."""
    out: list[bytes] = []
    current = b""
    for command in commands:
        raw = command.encode()
        if len(raw) > MAX_DATAGRAM_BYTES:
            raise AtParseError(f"AT*{command.name} is {len(raw)} bytes, over the {MAX_DATAGRAM_BYTES}-byte limit")
        if len(current) + len(raw) > MAX_DATAGRAM_BYTES:
            out.append(current)
            current = b""
        current += raw
    if current:
        out.append(current)
    return out


# --- decoding (the emulator's side) -----------------------------------------------------------------------------


def parse_datagram(data: bytes) -> list[AtCommand]:
    """Split a datagram into commands; accepts `\\r`, `\\n` or both as terminators. Raises AtParseError."""
    if len(data) > MAX_DATAGRAM_BYTES:
        raise AtParseError(f"datagram of {len(data)} bytes is over the {MAX_DATAGRAM_BYTES}-byte limit")
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise AtParseError("datagram is not ASCII") from exc
    lines = text.replace("\r\n", "\r").replace("\n", "\r").split("\r")
    return [parse_command(line) for line in lines if line.strip()]


def parse_command(line: str) -> AtCommand:
    """Parse 'AT*NAME=seq,arg,...' (string arguments in double quotes)."""
    if not line.startswith("AT*") or "=" not in line:
        raise AtParseError(f"not an AT command: {line[:40]!r}")
    name, _, rest = line[3:].partition("=")
    if not name or not name.replace("_", "").isalnum():
        raise AtParseError(f"bad AT command name {name[:20]!r}")
    fields = _split_args(rest)
    try:
        seq = int(fields[0])
        args = tuple(f[1:-1] if f.startswith('"') else int(f) for f in fields[1:])
    except ValueError as exc:
        raise AtParseError(f"AT*{name}: arguments must be integers or quoted strings: {rest[:60]!r}") from exc
    return AtCommand(name, seq, args)


def _split_args(text: str) -> list[str]:
    fields, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            current += ch
        elif ch == "," and not quoted:
            fields.append(current)
            current = ""
        else:
            current += ch
    if quoted:
        raise AtParseError(f"unterminated string in {text[:60]!r}")
    fields.append(current)
    if any(f.startswith('"') != f.endswith('"') or f == '"' for f in fields):
        raise AtParseError(f"malformed string argument in {text[:60]!r}")
    return fields


@dataclass(frozen=True)
class RefBits:
    takeoff: bool
    emergency: bool


def decode_ref(command: AtCommand) -> RefBits:
    """REF with or without the always-one base bits (some clients send the bare 0 / 512 / 256)."""
    _expect(command, "REF", 1)
    value = int(command.args[0])
    return RefBits(takeoff=bool(value & REF_TAKEOFF), emergency=bool(value & REF_EMERGENCY))


@dataclass(frozen=True)
class Pcmd:
    flag: int
    roll: float
    pitch: float
    gaz: float
    yaw: float

    @property
    def hover(self) -> bool:
        return not self.flag & PcmdFlag.PROGRESSIVE


def decode_pcmd(command: AtCommand) -> Pcmd:
    """PCMD (or PCMD_MAG, its psi ignored) back into floats."""
    _expect(command, command.name if command.name == "PCMD_MAG" else "PCMD", 5)
    flag, *values = (int(a) for a in command.args[:5])
    try:
        floats = [bits_float(v) for v in values]
    except struct.error as exc:
        raise AtParseError(f"AT*{command.name}: argument out of the int32 range") from exc
    return Pcmd(flag, *floats)


def _expect(command: AtCommand, name: str, n_args: int) -> None:
    if command.name != name or len(command.args) < n_args:
        raise AtParseError(f"expected AT*{name} with {n_args} argument(s), got AT*{command.name}{command.args}")
    if any(not isinstance(a, int) for a in command.args[:n_args]):
        raise AtParseError(f"AT*{name}: expected integer arguments, got {command.args}")
