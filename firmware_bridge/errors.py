"""Typed errors of the real-drone bridge: malformed packets, missing extras, safety landings, stream failures."""

from __future__ import annotations

from drone_ssl.errors import DroneError


class ProtocolError(DroneError):
    """Bytes from or for the drone do not follow the AR.Drone 2.0 protocol."""


class AtParseError(ProtocolError):
    """An AT command datagram is malformed or too long."""


class NavdataParseError(ProtocolError):
    """A navdata packet is malformed (bad header, option sizes, checksum or values)."""


class PaveParseError(ProtocolError):
    """A PaVE video header is malformed."""


class MissingExtraError(DroneError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(f"'{package}' is not installed; install it with: pip install 'drone_ssl[{extra}]'")


class VideoDecodeError(DroneError):
    """The drone's H.264 video cannot be decoded."""


class StereoStreamError(DroneError):
    """The stereo camera stream cannot be opened or stopped delivering frames."""


class SafetyLandingError(DroneError):
    """A safety limit (battery, altitude, flight time) made the drone land; the flight is over."""
