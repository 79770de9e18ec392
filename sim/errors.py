"""The simulator's typed error."""

from __future__ import annotations

from drone_ssl.errors import DroneSSLError


class SimError(DroneSSLError):
    """The simulator cannot do what was asked (e.g. obstacles that cannot fit)."""
