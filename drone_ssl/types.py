"""Value types shared by every part of the stack: drone state, observations and commands."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

import numpy as np

from drone_ssl.errors import DroneError

Vec3 = tuple[float, float, float]


class CommandError(DroneError, ValueError):
    """A command component is not a finite number in range: it is refused, never flown."""


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CommandError(f"Command.{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise CommandError(f"Command.{name} must be a finite number, got {value!r}; the command is refused")
    return float(value)


@dataclass(frozen=True)
class DroneState:
    """What the drone knows about itself at one instant.

    `position` is in the world frame (metres; x, y on the floor, z up) and is
    None on a real drone that has no external positioning. Attitude is
    (roll, pitch, yaw) in radians, roll + = right side down, pitch + = nose up,
    yaw + = clockwise seen from above (AR.Drone convention: psi grows clockwise).
    """

    position: Annotated[Vec3 | None, "world frame (m); null without positioning"]
    velocity: Annotated[Vec3, "m/s in the heading frame: forward, right, up (as navdata reports it)"]
    attitude: Annotated[Vec3, "roll, pitch, yaw (rad)"]
    altitude: Annotated[float, "metres above the floor"]
    battery: Annotated[float, "percent, 0..100"]
    flying: bool
    link_ok: bool = True
    # It stays set until someone resets it.
    emergency: Annotated[bool, "motors cut by the drone's emergency state"] = False
    # Still off the ground: flying stays True.
    landing: Annotated[bool, "in the drone's own landing manoeuvre"] = False

    @property
    def yaw(self) -> float:
        return self.attitude[2]


@dataclass(frozen=True)
class Observation:
    """One stereo frame: the time it was taken, both rectified images and the drone state.

    `right` is None when the stereo cue is unavailable (camera lost or cut on purpose).
    Images are 2-D uint8 grayscale arrays of the rig's size.
    """

    t: float
    left: np.ndarray
    right: np.ndarray | None
    state: DroneState

    @property
    def has_stereo(self) -> bool:
        return self.right is not None


@dataclass(frozen=True)
class Command:
    """A normalised flight command with AR.Drone 2.0 PCMD semantics.

    roll + = move right, pitch - = move forward, gaz + = climb, yaw + = turn clockwise;
    each a fraction of the drone's configured maximum, in [-1, 1]. All zero = hover.
    """

    roll: Annotated[float, "+ = move right"] = 0.0
    pitch: Annotated[float, "- = move forward"] = 0.0
    gaz: Annotated[float, "+ = climb"] = 0.0
    yaw: Annotated[float, "+ = turn clockwise"] = 0.0

    def __post_init__(self) -> None:
        for name in ("roll", "pitch", "gaz", "yaw"):
            value = _finite(name, getattr(self, name))
            if not -1.0 <= value <= 1.0:
                raise CommandError(f"Command.{name} must be in [-1, 1], got {value!r}; use Command.clipped()")

    @classmethod
    def clipped(cls, roll: float = 0.0, pitch: float = 0.0, gaz: float = 0.0, yaw: float = 0.0) -> Command:
        """Build a command from finite values, saturating each to [-1, 1]; NaN or infinity raises CommandError
        (saturating NaN would fly full deflection)."""
        values = {"roll": roll, "pitch": pitch, "gaz": gaz, "yaw": yaw}
        return cls(**{name: min(1.0, max(-1.0, _finite(name, v))) for name, v in values.items()})

    @classmethod
    def hover(cls) -> Command:
        return cls()

    @property
    def flies_ahead(self) -> bool:
        """Pitched forward without turning: the drone is flying ahead, not stopping, hovering or yawing."""
        return self.pitch < 0.0 and self.yaw == 0.0

    @property
    def is_hover(self) -> bool:
        return self.roll == 0.0 and self.pitch == 0.0 and self.gaz == 0.0 and self.yaw == 0.0


@dataclass(frozen=True)
class Evaluation:
    """Ground truth for one frame, from a simulator: for statistics and logs only, never for the learner."""

    nearest_ahead_m: float
    collisions: int
