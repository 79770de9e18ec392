"""A lost link mid-flight: the pilot lands, logs the event with its time and reason, and the error goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from drone_ssl.errors import LinkLostError
from drone_ssl.flightlog import FlightLogReader, FlightLogWriter
from drone_ssl.replay import write_report
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import load_config
from drone_ssl_sim.sim_drone import SimDrone

FRAMES_BEFORE_LOSS = 5
REASON = "navdata silent for 2.0 s; it was told to land"


class LinkLosingDrone(SimDrone):
    """A simulator whose link goes, as a real drone's does: read raises LinkLostError after a few frames."""

    frames = 0

    def read(self):
        if self.frames == FRAMES_BEFORE_LOSS:
            raise LinkLostError(f"link to the drone lost: {REASON}")
        self.frames += 1
        return super().read()

    def land(self) -> None:
        super().land()
        self.landings = getattr(self, "landings", 0) + 1


@pytest.fixture(scope="module")
def lost_flight(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float, LinkLosingDrone]:
    """One flight that ends by a lost link: its log, the latest frame's time and the drone."""
    config = load_config(overrides=["sim.seed=4"])
    path = tmp_path_factory.mktemp("lost") / "flight.mcap"
    with LinkLosingDrone(config) as drone, FlightLogWriter(path, "", {}, {}) as log:
        pilot = build_pilot(drone, config, StereoLabeler(drone.rig.calibration, config.perception), log=log)
        frame_times: list[float] = []
        with pytest.raises(LinkLostError, match="navdata silent"):
            pilot.fly(30.0, on_frame=lambda result: frame_times.append(result.observation.t))
        assert drone.landings == 1 and not drone.state().flying  # landed before the error left the pilot
        pilot.close()
    return path, frame_times[-1], drone


def test_a_lost_link_is_logged_with_its_time_and_reason(lost_flight) -> None:
    path, last_frame_t, _ = lost_flight
    reader = FlightLogReader(path)
    links = [e for e in reader.events() if e.kind == "link"]
    assert len(links) == 1
    assert links[0].t == pytest.approx(last_frame_t)  # the latest frame's time: the loss came on the next read
    assert links[0].data["event"] == "lost" and REASON in links[0].data["reason"]
    assert len(list(reader.frames())) == FRAMES_BEFORE_LOSS


def test_the_flight_report_lists_the_lost_link(lost_flight, tmp_path: Path) -> None:
    path, last_frame_t, drone = lost_flight
    write_report(path, tmp_path / "report", drone.config.perception, 0.95)
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert f"- t={last_frame_t:.2f} s link: event=lost, reason=link to the drone lost: {REASON}" in summary
