"""`FlightLogError`: a flight log cannot be written or read."""

from __future__ import annotations

from drone_ssl.errors import DroneSSLError


class FlightLogError(DroneSSLError):
    """A flight log cannot be created, written or read; the message names the file and what to do."""
