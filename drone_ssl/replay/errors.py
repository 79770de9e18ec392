"""`ReplayError`: offline replay (retraining, evaluation, report, export) cannot go on."""

from __future__ import annotations

from drone_ssl.errors import DroneSSLError


class ReplayError(DroneSSLError):
    """Bad replay input or a failed replay step; the message names what is wrong and what to do."""


class PeerFailedError(ReplayError):
    """This DDP process stops because another one failed; that one's error tells the cause."""

    def __init__(self) -> None:
        super().__init__("another training process failed; its error says why")
