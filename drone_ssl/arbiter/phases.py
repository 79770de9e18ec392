"""The arbiter's phases and what each experimental strategy allows."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Phase(str, enum.Enum):
    """Which cue flies the drone."""

    STEREO = "stereo"  # fly on stereo, learn mono
    MONO = "mono"  # fly on mono, keep learning, stereo as training wheels (if the strategy has them)
    MONO_ONLY = "mono_only"  # stereo is unavailable: fly on mono alone
    SAFE = "safe"  # no trusted cue left: hover, then land


@dataclass(frozen=True)
class Strategy:
    """One experimental condition: where it starts, whether mono can earn or lose trust, training wheels."""

    name: str
    mono_trusted_from_start: bool  # a given model flies from the first frame
    learns_trust: bool  # the learner's metrics can make mono trusted (and untrusted again)
    training_wheels: bool


STRATEGIES = {  # keyed by the names arbiter.strategy allows (drone_ssl.config.flight.STRATEGY_NAMES)
    "stereo": Strategy("stereo", mono_trusted_from_start=False, learns_trust=False, training_wheels=False),
    "mono": Strategy("mono", mono_trusted_from_start=True, learns_trust=False, training_wheels=True),
    "naive": Strategy("naive", mono_trusted_from_start=False, learns_trust=True, training_wheels=False),
    "persistent": Strategy("persistent", mono_trusted_from_start=False, learns_trust=True, training_wheels=True),
}
