"""The paper's training-wheel counter: stereo evidence of an imminent obstacle that mono misses forces avoidance."""

from __future__ import annotations

from drone_ssl.arbiter.events import OverrideEvent


class TrainingWheels:
    """Counts frames where stereo sees an obstacle nearer than `imminent_m` and mono does not say "obstacle".

    Each such frame adds 1, any other frame takes `decay` off (not below 0); reaching `bound` starts an override,
    which stays in force (`latched`) until stereo reads clear again (at least `clear_m`), so the manoeuvre turns
    until the obstacle stereo saw is out of the way, not merely until mono is content.
    """

    def __init__(self, imminent_m: float, clear_m: float, bound: float, decay: float) -> None:
        self.imminent_m = imminent_m
        self.clear_m = clear_m
        self.bound = bound
        self.decay = decay
        self.counter = 0.0
        self.latched = False

    def reset(self) -> None:
        self.counter = 0.0
        self.latched = False

    def update(
        self, t: float, stereo_m: float | None, mono_m: float | None, mono_obstacle: bool, mono_threshold_m: float
    ) -> OverrideEvent | None:
        """Feed one frame; returns the event on the frame an override starts."""
        if self.latched:
            if stereo_m is not None and stereo_m >= self.clear_m:
                self.latched = False
            return None
        if stereo_m is None or stereo_m >= self.imminent_m or mono_obstacle:
            self.counter = max(0.0, self.counter - self.decay)
            return None
        self.counter += 1.0
        if self.counter < self.bound:
            return None
        event = OverrideEvent(t, stereo_m, mono_m, mono_threshold_m, self.counter)
        self.counter = 0.0
        self.latched = True
        return event
