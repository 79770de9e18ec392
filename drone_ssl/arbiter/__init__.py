"""The behaviour arbiter: which cue flies (stereo, mono with stereo training wheels, mono alone, none)."""

from drone_ssl.arbiter.arbiter import Arbiter
from drone_ssl.arbiter.decision import Decision
from drone_ssl.arbiter.events import OverrideEvent, PhaseSwitch
from drone_ssl.arbiter.phases import STRATEGIES, Phase, Strategy

__all__ = ["STRATEGIES", "Arbiter", "Decision", "OverrideEvent", "Phase", "PhaseSwitch", "Strategy"]
