"""Flight behaviour: straight ahead at speed and altitude, the avoidance manoeuvre, hover-then-land without a cue."""

from drone_ssl.behaviour.action import Action
from drone_ssl.behaviour.avoidance import AvoidanceBehaviour, Mode

__all__ = ["Action", "AvoidanceBehaviour", "Mode"]
