"""A seeded two-minute flight with the default learner learns mono from stereo: better than any constant guess.

The figures are statistics of one flight, and a flight's learning depends on the CPU's floating-point path (torch's
kernels: AVX-512, AVX2, portable; oneDNN's ISA): the same seed learns a little differently on each. So the bounds
sit far outside what was measured over several rooms and every kernel set (the comments below), not at the edge
of one machine's figure. The 75 s flight this test flew before learned 0.74-0.86 x the best constant's error in
this room depending on the kernel set (its bound was 0.75 x), and 0.42-1.005 x over rooms 1-4: too early in
learning for a bound with a margin.
"""

from __future__ import annotations

import numpy as np

from drone_ssl.stack import build_pilot
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl_app.config import load_config
from drone_ssl_sim.sim_drone import SimDrone

FLIGHT_S = 120.0


def test_a_two_minute_flight_beats_every_constant_guess_on_its_held_out_window() -> None:
    config = load_config(overrides=["sim.seed=11", "arbiter.strategy=stereo"])  # the default learner, budget and rate
    with SimDrone(config) as drone:
        pilot = build_pilot(drone, config, StereoLabeler(drone.rig.calibration, config.perception))
        try:
            pilot.fly(FLIGHT_S)
            metrics = pilot.learner.latest
            window = [s for s in pilot.learner.window if s.mono_round >= 1]
        finally:
            pilot.close()
    assert metrics is not None and metrics.learning_round >= 10 and len(window) >= 100
    stereo = np.log([s.distance_m for s in window])
    mono = np.log([s.mono_m for s in window])
    best_constant = np.abs(stereo - np.median(stereo)).mean()  # the median minimises the mean absolute error
    learned = np.abs(mono - stereo).mean()
    # Measured learned / best_constant after 120 s on an AVX-512 Xeon, rooms (sim.seed) 1, 2, 3, 4 and 11, under
    # torch's own kernels there (AVX512), ATEN_CPU_CAPABILITY=default, and ONEDNN_MAX_CPU_ISA=AVX2
    # MKL_ENABLE_INSTRUCTIONS=AVX2 (ATEN_CPU_CAPABILITY=avx2: rooms 11 and 4, bit for bit the AVX512 figures):
    # 0.32-0.66 over all; room 11: 0.38 (AVX512, AVX2), 0.38 (default), 0.44 (oneDNN AVX2). Any constant guess
    # scores >= 1.0 (the median is the best constant).
    assert learned < 0.85 * best_constant, (learned, best_constant)
    # The held-out ROC AUC of "obstacle within 1.2 m", same flights: 0.895-0.999 over all; room 11: 0.976-0.986.
    # A constant ranks nothing: 0.5.
    assert metrics.roc_auc > 0.75, metrics.roc_auc
