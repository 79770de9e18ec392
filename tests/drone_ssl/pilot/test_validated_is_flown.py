"""What flies is what was validated: the learner scores, frame by frame, the very decision the arbiter flew."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from drone_ssl.arbiter import Arbiter
from drone_ssl.flightlog import FlightLogReader, FlightLogWriter
from drone_ssl.learner.metrics import rates_at
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import dump_config, load_config
from drone_ssl_sim.sim_drone import SimDrone

MODEL = Path(__file__).resolve().parents[3] / "models" / "mono_cnn_default.pt"


@pytest.fixture(scope="module")
def mono_flight(tmp_path_factory: pytest.TempPathFactory):
    """20 s flown on the shipped model from the first frame (training wheels on), logged; the learner's window."""
    folder = tmp_path_factory.mktemp("validated")
    config = load_config(overrides=["sim.seed=21", "arbiter.strategy=mono", "learner.validation_window=400"])
    with SimDrone(config) as drone:
        log = FlightLogWriter(folder / "flight.mcap", dump_config(config), {}, {})
        pilot = build_pilot(
            drone, config, StereoLabeler(drone.rig.calibration, config.perception), model=MODEL, log=log
        )
        try:
            pilot.fly(20.0)
        finally:
            pilot.close()
            log.close()
    return config, folder / "flight.mcap", list(pilot.learner.window)


def test_every_mono_decision_in_the_log_is_the_validated_distance_under_the_flown_threshold(mono_flight) -> None:
    config, path, window = mono_flight
    arbiter = Arbiter.from_config(config)
    samples = {round(s.t, 6): s for s in window}
    recent: list[float] = []  # mono's own decision distances, for the median the arbiter flies
    flown = checked = 0
    for frame in FlightLogReader(path).frames():
        decision = frame.decision
        now = arbiter.nearest_ahead(frame.mono.distance_m, frame.mono.profile_m)
        recent = [*recent, now][-config.arbiter.mono_smoothing_frames :] if frame.mono.distance_m is not None else []
        validated_m = decision.mono_ahead_m
        if recent:
            assert math.isclose(validated_m, float(np.median(recent)), rel_tol=1e-9)
        if decision.cue != "mono":
            continue
        flown += 1
        # The decision the drone flew is exactly "the validated distance < the flown threshold".
        assert decision.obstacle == (validated_m is not None and validated_m < decision.threshold_m)
        sample = samples.get(round(frame.t, 6))
        if sample is not None:  # a frame with a stereo label: the learner scores that same distance
            checked += 1
            assert math.isclose(sample.mono_decision_m, validated_m, rel_tol=1e-9)
            assert sample.mono_flew
    assert flown >= 150 and checked >= 150, (flown, checked)


def test_the_window_scores_the_flown_decision_against_stereo_flown_the_same_way(mono_flight) -> None:
    config, path, window = mono_flight
    arbiter = Arbiter.from_config(config)
    avoid = config.perception.avoid_distance_m
    frames = {round(f.t, 6): f for f in FlightLogReader(path).frames()}
    for sample in window:  # stereo's side of every pair is stereo's own flown decision distance
        stereo = frames[round(sample.t, 6)].stereo
        assert math.isclose(sample.stereo_decision_m, arbiter.nearest_ahead(stereo.distance_m, stereo.profile_m))
        assert sample.stereo_decision_m == frames[round(sample.t, 6)].decision.stereo_ahead_m
    threshold = frames[round(window[-1].t, 6)].decision.threshold_m
    flown_at = [s for s in window if frames[round(s.t, 6)].decision.cue == "mono"
                and frames[round(s.t, 6)].decision.threshold_m == threshold]  # fmt: skip
    said = np.array([frames[round(s.t, 6)].decision.obstacle for s in flown_at])
    real = np.array([s.stereo_decision_m < avoid for s in flown_at])
    assert len(flown_at) >= 100 and real.any() and (~real).any(), (len(flown_at), real.sum())
    # The rates the validation reports at the flown threshold are the flown decisions' own rates.
    mono = np.array([s.mono_decision_m for s in flown_at])
    stereo = np.array([s.stereo_decision_m for s in flown_at])
    tpr, fpr = rates_at(mono, stereo, avoid, threshold)
    assert math.isclose(tpr, said[real].mean()) and math.isclose(fpr, said[~real].mean())
