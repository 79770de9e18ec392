"""The real drones: `LinkedDrone` (linked_drone.py, a stereo source paired with a drone's link), ardrone2/ (the
AR.Drone 2.0: AT, navdata, config and video links, `ARDrone2`), bebop2/ (`Bebop2` through pyparrot), cameras/
(stereo sources), config.py (`BridgeConfig`), airframe.py (`DroneModelConfig`), safety.py (the landing rules),
errors.py, and factory.py (the drone a configuration names)."""
