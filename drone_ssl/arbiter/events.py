"""Events the arbiter reports: training-wheel overrides and phase switches, each with the numbers behind it."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.arbiter.phases import Phase


@dataclass(frozen=True)
class OverrideEvent:
    """Stereo saw an imminent obstacle mono missed for long enough: the avoidance manoeuvre was forced.

    These frames are the learner's most valuable samples: mono was wrong where it mattered.
    """

    t: float
    stereo_distance_m: float
    mono_distance_m: float | None  # None when mono gave no reading
    mono_threshold_m: float  # the threshold mono's distance was compared with
    counter: float  # the counter's value when it reached the bound


@dataclass(frozen=True)
class PhaseSwitch:
    """The flying cue changed; `reason` says why in a few words (e.g. "mono validated", "stereo lost")."""

    t: float
    previous: Phase
    phase: Phase
    reason: str
