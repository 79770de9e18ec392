"""The Parrot AR.Drone 2.0: AT commands, navdata, config and video links, and the drone they make together."""

from drone_ssl_bridge.ardrone2.drone import ARDrone2

__all__ = ["ARDrone2"]
