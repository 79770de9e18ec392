"""`Decision`: the arbiter's verdict for one frame, which the behaviour turns into a command."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drone_ssl.arbiter.events import OverrideEvent, PhaseSwitch
from drone_ssl.arbiter.phases import Phase


@dataclass(frozen=True)
class Decision:
    """Which cue flies this frame and what it says.

    `cue` is "stereo" or "mono" (None in SAFE). `distance_m` is the flying cue's nearest obstacle, None when it
    gave no reading this frame (`blind`: do not fly ahead on it). During a training-wheel override the cue is
    stereo, and `obstacle` stays True until stereo reads clear again.
    """

    t: float
    phase: Phase
    cue: str | None
    obstacle: bool
    distance_m: float | None
    profile_m: np.ndarray | None  # the flying cue's nearest distance per column band, left to right
    threshold_m: float  # distance under which the flying cue means "obstacle"
    override: bool = False  # a training-wheel override is in force
    override_event: OverrideEvent | None = None  # set on the frame the override started
    switch: PhaseSwitch | None = None  # set on the frame the phase changed
    wheels_counter: float = 0.0
    clear_m: float | None = None  # the distance at which the flying cue reads clear with a margin (None: threshold)
    # Each cue's decision distance this frame (`Arbiter.nearest_ahead`, mono's smoothed as it flies), in every
    # phase: what the learner validates, so that the held-out window scores exactly the decision that flies.
    mono_ahead_m: float | None = None
    stereo_ahead_m: float | None = None
    camera_up: bool = False  # SAFE: the stereo images still arrive (nothing to match), so looking elsewhere may help

    @property
    def blind(self) -> bool:
        """True when nothing trusted says what is ahead this frame."""
        return self.distance_m is None
