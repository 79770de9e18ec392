"""The stereo cut (--cut-stereo-at): from the cut on, every frame goes on without its right image, nothing else."""

from __future__ import annotations

from pathlib import Path

from drone_ssl.arbiter import Phase
from drone_ssl.flightlog import FlightLogReader, FlightLogWriter
from drone_ssl.pilot import FrameResult
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import load_config
from drone_ssl_sim.sim_drone import SimDrone

CUT_AT_S = 1.0


class CountingDrone(SimDrone):
    """A simulator that counts the right images its cameras deliver."""

    rights = 0

    def read(self):
        observation = super().read()
        self.rights += observation.right is not None
        return observation


def test_after_the_cut_frames_go_on_without_the_right_image(tmp_path: Path) -> None:
    config = load_config(overrides=["sim.seed=4"])
    results: list[FrameResult] = []
    with CountingDrone(config) as drone, FlightLogWriter(tmp_path / "cut.mcap", "", {}, {}) as log:
        pilot = build_pilot(drone, config, StereoLabeler(drone.rig.calibration, config.perception), log=log)
        pilot.fly(2.5, cut_stereo_at_s=CUT_AT_S, on_frame=results.append)
        pilot.close()
    start = results[0].observation.t
    before = [r for r in results if r.observation.t - start < CUT_AT_S]
    after = [r for r in results if r.observation.t - start >= CUT_AT_S]
    assert before and after and drone.rights >= len(results)  # the cameras kept delivering both images
    assert all(r.observation.right is not None and r.stereo is not None for r in before)
    assert all(r.observation.right is None and r.stereo is None for r in after)
    assert all(r.decision.phase is Phase.SAFE for r in after)  # mono not validated yet: no trusted cue
    assert after[0].decision.switch is not None and "no right image" in after[0].decision.switch.reason
    assert not any(r.decision.camera_up for r in after)  # no right image: SAFE lands rather than looks around
    logged = list(FlightLogReader(tmp_path / "cut.mcap").frames())
    assert [f.right is None for f in logged] == [r.observation.right is None for r in results]
