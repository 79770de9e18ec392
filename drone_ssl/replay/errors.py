"""`ReplayError`: offline replay (retraining, evaluation, report, export) cannot go on."""

from __future__ import annotations

from drone_ssl.errors import DroneSSLError


class ReplayError(DroneSSLError):
    """Bad replay input or a failed replay step; the message names what is wrong and what to do."""
