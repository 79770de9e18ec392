"""The body's path in the column profile: near obstacles at the side count, far ones beside the path do not."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scripted_readings import AVOID, mono, stereo

from drone_ssl.arbiter import Arbiter, Phase
from drone_ssl.arbiter.corridor import corridor_distance
from drone_ssl.config.flight import ArbiterConfig
from drone_ssl_app.config import load_config

HFOV = 60.0
FREE = 5.0


def profile_with(band: int, distance: float, bands: int = 16) -> np.ndarray:
    p = np.full(bands, FREE, np.float32)
    p[band] = distance
    return p


def test_a_band_counts_when_its_obstacle_lies_within_the_half_width() -> None:
    # Band 13 of 16 has its inner edge at x = 0.625: off the flight line by Z * 0.625 * tan(30 deg) = 0.36 Z.
    offset_per_m = 0.625 * math.tan(math.radians(30))
    near, far = 0.3 / offset_per_m, 0.4 / offset_per_m
    assert corridor_distance(profile_with(13, near), HFOV, 0.3) == pytest.approx(near)
    assert corridor_distance(profile_with(13, far), HFOV, 0.3) == FREE


def test_the_centre_bands_always_count_and_unknown_bands_never() -> None:
    assert corridor_distance(profile_with(7, 3.0), HFOV, 0.0) == pytest.approx(3.0)  # band 7 ends at the centre
    unknown = np.full(16, np.nan, np.float32)
    assert corridor_distance(unknown, HFOV, 0.35) is None
    assert corridor_distance(None, HFOV, 0.35) is None
    assert corridor_distance(np.array([], np.float32), HFOV, 0.35) is None


def test_a_pole_beside_the_central_region_stops_the_drone_on_stereo() -> None:
    side_pole = profile_with(2, 0.5).tolist()  # near the left edge of the view, 0.5 m away: in the path
    a = Arbiter(ArbiterConfig(mono_smoothing_frames=1), AVOID, hfov_deg=HFOV)
    d = a.update(0.0, stereo(2.2, profile=side_pole), mono(2.2), None)
    assert d.obstacle and d.distance_m == pytest.approx(0.5)
    blind_centre = a.update(0.1, stereo(None, profile=side_pole), mono(2.2), None)
    assert blind_centre.obstacle and blind_centre.blind  # the side sees it; the centre stays unknown
    without = Arbiter(ArbiterConfig(mono_smoothing_frames=1), AVOID).update(
        0.0, stereo(2.2, profile=side_pole), mono(2.2), None
    )
    assert not without.obstacle  # no field of view: the central distance alone


def test_training_wheels_see_the_side_pole_mono_misses() -> None:
    config = load_config(overrides=["arbiter.strategy=mono"])
    a = Arbiter.from_config(config)
    assert a.hfov_deg == config.camera.hfov_deg and a.avoid_distance_m == config.perception.avoid_distance_m
    side_pole = profile_with(2, 0.5).tolist()
    d = [a.update(i * 0.1, stereo(2.2, profile=side_pole), mono(2.2), None) for i in range(3)]
    assert d[-1].phase is Phase.MONO and d[-1].override and d[-1].override_event.stereo_distance_m == pytest.approx(0.5)
