"""What the reader yields: one `LoggedFrame` per flight-loop frame, one `LoggedEvent` per event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from drone_ssl.types import Command, DroneState

if TYPE_CHECKING:
    from drone_ssl.arbiter import Decision
    from drone_ssl.mono.reading import MonoReading


@dataclass(frozen=True)
class LoggedStereo:
    """The logged part of a `StereoReading`: the label and its trust (the disparity map is not logged)."""

    distance_m: float | None
    valid_fraction: float
    available: bool
    profile_m: np.ndarray | None = None
    depth_m: np.ndarray | None = None  # float32 metres (to the mm), NaN unknown, inf far; when depth maps were logged

    @property
    def valid(self) -> bool:
        return self.distance_m is not None


@dataclass(frozen=True)
class LoggedFrame:
    """One frame of the flight loop as logged; parts the loop did not log are None.

    `ground_truth` is simulator truth for evaluation only: it must never be used as a training label.
    """

    index: int
    t: float
    left: np.ndarray
    right: np.ndarray | None
    state: DroneState
    stereo: LoggedStereo | None = None
    mono: MonoReading | None = None
    decision: Decision | None = None  # the arbiter's, read back through the same pair that logged it
    command: Command | None = None
    ground_truth: dict | None = None

    @property
    def phase_name(self) -> str | None:
        return None if self.decision is None else self.decision.phase.value


@dataclass(frozen=True)
class LoggedEvent:
    """An event: kind is override, phase_switch, collision, link, emergency, learner or flight."""

    t: float
    kind: str
    data: dict = field(default_factory=dict)
    evaluation_only: bool = False  # collisions: simulator truth, for evaluation only
