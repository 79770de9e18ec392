"""After the switch the drone flies on mono as it did on stereo, even when mono's range is compressed.

Learning compresses a monocular estimate's range (mono read 1.5-2.2 m where truth swung 1-3.8 m), and a decision
that was not the one validated, with a clear margin in metres, turned that into a drone yawing on the spot. Here
mono is a stand-in with exactly that defect — truth squeezed toward 1.7 m, with frame-to-frame noise — so the test
judges the decision and the behaviour, not how fast a CNN learns on this CPU (no torch arithmetic decides it).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from drone_ssl.flight_stats import FlightStats
from drone_ssl.mono.cnn_estimator import column_profile
from drone_ssl.mono.reading import MonoReading
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl.vision.distance_labels import central_region
from drone_ssl_app.config import load_config
from drone_ssl_sim.sim_drone import SimDrone

MODEL = Path(__file__).resolve().parents[3] / "models" / "mono_cnn_default.pt"
SECONDS = 90.0
ROOM = ("sim.seed=31",)
# No training: mono is the stand-in below; the shipped model only makes the learner count as trained (round 1),
# so the first held-out window can validate mono and the drone switches.
NO_TRAINING = ("learner.steps_per_sim_s=0",)


class CompressedTruth:
    """A mono estimate with a learned estimate's defect: truth's log distance squeezed to `squeeze` of its spread
    around 1.7 m, times seeded log-normal noise; its column profile likewise."""

    def __init__(self, drone: SimDrone, squeeze: float = 0.4, noise: float = 0.06, seed: int = 0) -> None:
        self.drone, self.squeeze, self.noise = drone, squeeze, noise
        self.rng = np.random.default_rng(seed)

    def _squeezed(self, metres: np.ndarray) -> np.ndarray:
        log = math.log(1.7) + self.squeeze * (np.log(metres) - math.log(1.7))
        return np.exp(log + self.rng.normal(0.0, self.noise, np.shape(metres)))

    def predict(self, left: np.ndarray) -> MonoReading:
        depth = self.drone.ground_truth().depth
        rows, cols = central_region(depth.shape, 0.5, 0.6)
        central = float(np.percentile(depth[rows, cols], 5))
        profile = column_profile(np.percentile(depth[rows], 5, axis=0), 16)
        return MonoReading(float(self._squeezed(central)), 0.9, profile_m=self._squeezed(profile).astype(np.float32))


def fly(strategy: str) -> FlightStats:
    config = load_config(overrides=[*ROOM, *NO_TRAINING, f"arbiter.strategy={strategy}"])
    with SimDrone(config) as drone:
        labeler = StereoLabeler(drone.rig.calibration, config.perception)
        pilot = build_pilot(drone, config, labeler, model=MODEL, evaluator=drone.evaluate)
        pilot.estimator = CompressedTruth(drone)
        try:
            return pilot.fly(SECONDS)
        finally:
            pilot.close()


@pytest.fixture(scope="module")
def flights() -> tuple[FlightStats, FlightStats]:
    return fly("persistent"), fly("stereo")


def test_a_compressed_mono_earns_the_switch_and_then_flies(flights) -> None:
    persistent, _ = flights
    assert persistent.switch_time_s is not None and persistent.switch_time_s < 30.0
    assert persistent.time_in_phase_s["mono"] > 0.6 * SECONDS


def test_mono_flies_at_stereos_pace_and_as_often_ahead(flights) -> None:
    persistent, stereo_only = flights
    mono_pace, stereo_pace = persistent.metres_per_minute(("mono",)), stereo_only.metres_per_minute(("stereo",))
    # Measured, 90 s, this stand-in: room 31 0.99 x stereo-only's pace (11.7 vs 11.8 m/min), room 32 1.56, room 33
    # 0.12 (there a few frames where the two cues' corridors disagree at the edge of the view set the TPR >= 0.95
    # threshold high: a limit of the frame-level rule, not of this fix); before the fix room 31 flew 0.06 x
    # (0.7 m/min, yawing in place). No torch arithmetic decides these figures: they hold on any kernel set.
    assert mono_pace >= 0.8 * stereo_pace, (mono_pace, stereo_pace)
    assert persistent.forward_share(("mono",)) >= 0.8 * stereo_only.forward_share(("stereo",))
    assert len(persistent.cells_by_phase["mono"]) >= 0.6 * len(stereo_only.cells)


def test_flying_mono_collides_no_more_per_metre_than_stereo(flights) -> None:
    persistent, _ = flights
    assert persistent.collisions_by_phase.get("mono", 0) == 0
    assert persistent.overrides <= 0.02 * persistent.frames_by_phase["mono"]
