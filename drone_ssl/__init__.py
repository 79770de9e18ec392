"""drone_ssl: persistent self-supervised learning from stereo to monocular vision on a flying robot."""

from drone_ssl.drone import Drone
from drone_ssl.types import Command, DroneState, Observation

__version__ = "0.1.0"
__all__ = ["Command", "Drone", "DroneState", "Observation", "__version__"]
