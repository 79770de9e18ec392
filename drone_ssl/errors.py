"""Typed exceptions raised by library code; scripts turn them into one-line errors."""

from __future__ import annotations


class DroneSSLError(Exception):
    """Base class of every error this project raises on purpose."""


class ConfigError(DroneSSLError):
    """A configuration key is unknown or holds a bad value."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"config key '{key}': {problem}")

    def __reduce__(self) -> tuple:
        # Rebuilt from (key, problem), so the error crosses process boundaries (e.g. from a worker pool) intact.
        return (ConfigError, (self.key, self.problem))


class DroneError(DroneSSLError):
    """A drone (real or simulated) failed or was used out of order."""


class LinkLostError(DroneError):
    """The link to the drone was lost; the drone has been told to land."""


class DroneDownError(DroneError):
    """A drone that should be flying stopped by itself (motors cut, its emergency state, a landing nobody asked
    for); the flight is over and nothing may take off again on its own."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the drone stopped flying by itself: {reason}; the flight is over")

    def __reduce__(self) -> tuple:
        # Rebuilt from the reason, so the error crosses process boundaries intact.
        return (DroneDownError, (self.reason,))


class SaveError(DroneSSLError):
    """A file could not be written whole (no space, no access); nothing half-written was left in its place."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}")

    def __reduce__(self) -> tuple:
        return (SaveError, (self.path, self.reason))
