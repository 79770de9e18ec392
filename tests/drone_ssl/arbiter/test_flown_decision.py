"""Mono's decision as it flies: smoothed over frames, carried in every decision, its threshold following the
validated windows (down only while mono flies) and its clear level in mono's own scale."""

from __future__ import annotations

import dataclasses

import pytest
from scripted_readings import AVOID, metrics, mono, stereo

from drone_ssl.arbiter import Arbiter, Phase
from drone_ssl.config.flight import ArbiterConfig


def in_mono(threshold_m: float = 1.5, **changes: object) -> Arbiter:
    """A persistent arbiter that has switched to MONO on a window that chose `threshold_m`."""
    a = Arbiter(dataclasses.replace(ArbiterConfig(), **changes), AVOID, clear_margin_m=0.3)
    t = 0.0
    while a.phase is not Phase.MONO:
        a.update(t, stereo(3.0), mono(3.0), metrics(0.0, 1, threshold_m=threshold_m))
        t = round(t + 0.1, 6)
    assert a.mono_threshold_m == threshold_m
    return a


def test_one_frame_of_flicker_neither_stops_the_drone_nor_is_validated_as_a_stop() -> None:
    a = in_mono(threshold_m=1.5)
    said = [a.update(20.0 + i / 10, stereo(3.0), mono(d), None) for i, d in enumerate([2.5, 2.5, 1.0, 2.5, 2.5])]
    assert [d.obstacle for d in said] == [False] * 5  # the median of three frames ignores one low frame
    assert [d.mono_ahead_m for d in said] == [3.0, 2.5, 2.5, 2.5, 2.5]  # (after frames of 3.0 m)
    two_low = [a.update(21.0 + i / 10, stereo(3.0), mono(d), None) for i, d in enumerate([1.0, 1.0])]
    assert [d.obstacle for d in two_low] == [False, True]  # two low frames of three: an obstacle
    assert two_low[-1].mono_ahead_m == 1.0 and two_low[-1].distance_m == 1.0


def test_a_blind_mono_frame_starts_the_median_afresh() -> None:
    a = in_mono(threshold_m=1.5)
    for i, d in enumerate([1.0, 1.0, None, 2.5]):
        last = a.update(20.0 + i / 10, stereo(3.0), mono(d), None)
    assert last.mono_ahead_m == 2.5 and not last.obstacle


def test_every_decision_carries_both_cues_flown_distances_even_on_stereo() -> None:
    a = Arbiter(dataclasses.replace(ArbiterConfig(), mono_smoothing_frames=1), AVOID)
    d = a.update(0.0, stereo(2.0), mono(1.7), None)
    assert d.phase is Phase.STEREO and d.mono_ahead_m == 1.7 and d.stereo_ahead_m == 2.0
    assert a.update(0.1, None, mono(1.6), None).stereo_ahead_m is None  # no right image: no stereo distance


@pytest.mark.parametrize(("rule", "after_higher", "after_lower"), [("down", 1.5, 1.3), ("frozen", 1.5, 1.5),
                                                                   ("both", 1.8, 1.3)])  # fmt: skip
def test_while_mono_flies_the_threshold_follows_the_windows_as_the_rule_says(
    rule: str, after_higher: float, after_lower: float
) -> None:
    a = in_mono(threshold_m=1.5, threshold_on_mono=rule)
    a.update(30.0, stereo(3.0), mono(3.0), metrics(30.0, 2, threshold_m=1.8))  # a window flown on mono: biased up
    assert a.mono_threshold_m == after_higher
    a.update(35.0, stereo(3.0), mono(3.0), metrics(35.0, 3, threshold_m=1.3))
    assert a.mono_threshold_m == after_lower


def test_on_stereo_the_threshold_follows_the_window_both_ways() -> None:
    a = Arbiter(ArbiterConfig(), AVOID)
    a.update(0.0, stereo(3.0), mono(3.0), metrics(0.0, 0, threshold_m=1.8))
    assert a.mono_threshold_m == 1.8
    a.update(5.0, stereo(3.0), mono(3.0), metrics(5.0, 0, threshold_m=1.3))
    assert a.mono_threshold_m == 1.3


def test_the_clear_level_is_stereos_margin_on_stereo_and_the_windows_mono_equivalent_on_mono() -> None:
    a = Arbiter(dataclasses.replace(ArbiterConfig(), mono_smoothing_frames=1), AVOID, clear_margin_m=0.3)
    assert a.update(0.0, stereo(3.0), mono(3.0), None).clear_m == pytest.approx(1.5)
    b = in_mono(threshold_m=1.5, mono_smoothing_frames=1)
    window = dataclasses.replace(metrics(30.0, 2, threshold_m=1.4), clear_m=1.6)
    d = b.update(30.0, stereo(3.0), mono(3.0), window)
    assert d.cue == "mono" and d.clear_m == 1.6 and d.threshold_m == 1.4


def test_a_training_wheel_override_raises_monos_threshold_half_way_to_what_it_missed() -> None:
    a = in_mono(threshold_m=1.2, mono_smoothing_frames=1)
    decisions = [a.update(20.0 + i / 10, stereo(0.7), mono(1.6), None) for i in range(4)]
    assert any(d.override_event is not None for d in decisions)  # stereo saw 0.7 m, mono read 1.6 m: a miss
    assert a.mono_threshold_m == pytest.approx((1.2 + 1.6) / 2)
    frozen = in_mono(threshold_m=1.2, mono_smoothing_frames=1, threshold_on_mono="frozen")
    for i in range(4):
        frozen.update(20.0 + i / 10, stereo(0.7), mono(1.6), None)
    assert frozen.mono_threshold_m == 1.2
