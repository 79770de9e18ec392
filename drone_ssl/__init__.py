"""drone_ssl, the brain: persistent self-supervised learning from stereo to monocular vision on a flying robot."""

import os

# No traffic beyond the addresses the user names: onnxruntime's telemetry (it resolves a Microsoft host from
# C++ in any process that runs a session) reads this once, when the library loads, so it is set before any
# module of this package can import onnxruntime; child processes inherit it.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from drone_ssl.drone import Drone
from drone_ssl.types import Command, DroneState, Observation

__version__ = "0.1.0"
__all__ = ["Command", "Drone", "DroneState", "Observation", "__version__"]
