"""A drone that stops flying by itself mid-flight: the pilot stops commanding at that frame, logs the emergency
with its reason, lands and lets the error go on."""

from __future__ import annotations

from pathlib import Path

import pytest

from drone_ssl.errors import DroneDownError
from drone_ssl.flightlog import FlightLogReader, FlightLogWriter
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import load_config
from drone_ssl_sim.sim_drone import SimDrone

FRAMES_BEFORE_CUT = 5


class MotorCuttingDrone(SimDrone):
    """A simulator whose motors cut after a few frames, as the firmware does after a crash; counts commands."""

    frames = 0
    sent = 0

    def read(self):
        if self.frames == FRAMES_BEFORE_CUT:
            self.emergency()  # the cut: it falls to the floor, its state says emergency
        self.frames += 1
        return super().read()

    def send(self, command) -> None:
        self.sent += 1
        super().send(command)


def test_a_motor_cut_ends_the_flight_at_that_frame_and_is_logged(tmp_path: Path) -> None:
    config = load_config(overrides=["sim.seed=4", "sim.obstacles.count=1"])
    path = tmp_path / "flight.mcap"
    with MotorCuttingDrone(config) as drone, FlightLogWriter(path, "", {}, {}) as log:
        pilot = build_pilot(drone, config, StereoLabeler(drone.rig.calibration, config.perception), log=log)
        with pytest.raises(DroneDownError, match="emergency") as info:
            pilot.fly(30.0)
        assert drone.sent == FRAMES_BEFORE_CUT  # not one command after the cut was seen
        assert drone.state().emergency and not drone.state().flying
        pilot.close()
    events = [e for e in FlightLogReader(path).events() if e.kind == "emergency"]
    assert len(events) == 1 and events[0].data["event"] == "down" and events[0].data["reason"] == info.value.reason
    assert "emergency" in events[0].data["reason"]
