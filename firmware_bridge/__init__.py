"""The real drone: Parrot AR.Drone 2.0 protocol, the `ARDrone2` drone and stereo stream input."""
