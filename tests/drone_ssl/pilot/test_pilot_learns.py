"""A short seeded flight with the default learner learns mono from stereo: better than any constant guess."""

from __future__ import annotations

import numpy as np

from app.config import load_config
from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from sim.sim_drone import SimDrone


def test_a_short_flight_beats_every_constant_guess_on_its_held_out_window() -> None:
    config = load_config(overrides=["sim.seed=11", "arbiter.strategy=stereo"])  # the default learner, budget and rate
    with SimDrone(config) as drone:
        pilot = build_pilot(drone, config, StereoLabeler(drone.rig.calibration, config.perception))
        try:
            pilot.fly(75.0)
            metrics = pilot.learner.latest
            window = [s for s in pilot.learner.window if s.mono_round >= 1]
        finally:
            pilot.close()
    assert metrics is not None and metrics.learning_round >= 5 and len(window) >= 100
    stereo = np.log([s.distance_m for s in window])
    mono = np.log([s.mono_m for s in window])
    best_constant = np.abs(stereo - np.median(stereo)).mean()  # the median minimises the mean absolute error
    learned = np.abs(mono - stereo).mean()
    assert learned < 0.75 * best_constant, (learned, best_constant)
    assert metrics.roc_auc > 0.55  # it ranks near obstacles before far ones, which no constant can (0.5)
