"""The training-wheel counter rule on scripted readings, for every strategy, and fallback on frequent overrides."""

from __future__ import annotations

import dataclasses

import pytest
from scripted_readings import AVOID, bad, metrics, mono, stereo

from drone_ssl.arbiter import Arbiter, Decision, Phase
from drone_ssl.arbiter.criteria import fallback_reason
from drone_ssl.config.flight import ArbiterConfig

# Stereo 0.5 m is imminent (below 0.8 x 1.2 m); mono at 3 m misses it, mono at 1.0 m (< threshold 1.4) does not.
MISS = (stereo(0.5, profile=[0.5, 0.5, 3, 3, 3, 3]), mono(3.0))
SEEN = (stereo(0.5), mono(1.0))
CLEAR = (stereo(3.0), mono(3.0))
STILL_NEAR = (stereo(1.0), mono(3.0))  # under the avoid distance, not imminent


def in_mono(strategy: str = "persistent", **changes: object) -> Arbiter:
    a = Arbiter(dataclasses.replace(ArbiterConfig(strategy=strategy, mono_smoothing_frames=1), **changes), AVOID)
    for i in range(101):
        a.update(i * 0.1, stereo(3.0), mono(3.0), metrics(0.0, 1))
    assert a.phase is Phase.MONO
    return a


def script(a: Arbiter, frames: list[tuple], t0: float = 20.0) -> list[Decision]:
    return [a.update(t0 + i * 0.1, s, m, None) for i, (s, m) in enumerate(frames)]


@pytest.mark.parametrize("strategy", ["persistent", "mono"])
def test_three_missed_frames_force_the_manoeuvre_with_the_numbers(strategy: str) -> None:
    a = in_mono(strategy)
    threshold = a.mono_threshold_m
    d = script(a, [MISS, MISS, MISS])
    assert [x.wheels_counter for x in d[:2]] == [1.0, 2.0]
    assert not d[0].obstacle and not d[1].obstacle and d[1].cue == "mono"
    event = d[2].override_event
    assert d[2].override and d[2].obstacle and d[2].cue == "stereo"
    assert event is not None and (event.t, event.stereo_distance_m, event.mono_distance_m) == (20.2, 0.5, 3.0)
    assert event.counter == 3.0 and event.mono_threshold_m == threshold  # the miss then raises it (flown_decision)
    assert d[2].distance_m == 0.5 and list(d[2].profile_m[:2]) == [0.5, 0.5]  # stereo's view steers the turn


def test_the_override_holds_until_stereo_reads_clear() -> None:
    a = in_mono()
    d = script(a, [MISS, MISS, MISS, STILL_NEAR, (stereo(None), mono(3.0)), STILL_NEAR, CLEAR, CLEAR])
    assert [x.override for x in d] == [False, False, True, True, True, True, False, False]
    assert sum(x.override_event is not None for x in d) == 1
    assert not d[-1].obstacle and d[-1].cue == "mono"


def test_the_counter_decays_when_mono_agrees_or_the_way_is_clear() -> None:
    a = in_mono()
    d = script(a, [MISS, MISS, SEEN, MISS, CLEAR, MISS])
    assert [x.wheels_counter for x in d] == [1.0, 2.0, 1.5, 2.5, 2.0, 3.0]
    assert [x.override for x in d] == [False] * 5 + [True]
    assert d[2].obstacle and d[2].cue == "mono"  # mono saw it: its own avoidance, no override


def test_mono_that_sees_the_obstacle_never_needs_the_wheels() -> None:
    a = in_mono()
    assert not any(x.override for x in script(a, [SEEN] * 30))


def test_naive_has_no_training_wheels_and_flies_on_into_the_obstacle() -> None:
    a = in_mono("naive")
    d = script(a, [MISS] * 30)
    assert not any(x.override or x.obstacle for x in d)
    assert {x.cue for x in d} == {"mono"}


def test_stereo_strategy_flies_on_stereo_so_the_wheels_never_turn() -> None:
    a = Arbiter(ArbiterConfig(strategy="stereo", mono_smoothing_frames=1), AVOID)
    d = script(a, [MISS] * 5, t0=0.0)
    assert all(x.phase is Phase.STEREO and x.obstacle and not x.override for x in d)


def test_frequent_overrides_hand_back_to_stereo_and_mono_must_earn_trust_again() -> None:
    a = in_mono()
    burst = ([MISS] * 3 + [CLEAR]) * 3
    d = script(a, burst)
    assert sum(x.override_event is not None for x in d) == 3
    switch = next(x.switch for x in d if x.switch)
    assert switch.phase is Phase.STEREO and "3 training-wheel overrides" in switch.reason
    # The learner's latest window (round 1) is not enough: a later round has to pass the switch rules.
    assert script(a, [CLEAR] * 150, t0=30.0)[-1].phase is Phase.STEREO
    later = [a.update(50.0 + i * 0.1, stereo(3.0), mono(3.0), metrics(50.0, 2)) for i in range(101)]
    assert later[-1].phase is Phase.MONO


def test_mono_strategy_keeps_its_model_whatever_the_overrides() -> None:
    a = in_mono("mono")
    d = script(a, ([MISS] * 3 + [CLEAR]) * 5)
    assert sum(x.override_event is not None for x in d) == 5
    assert {x.phase for x in d} == {Phase.MONO}


def test_overrides_can_be_left_out_of_the_fallback() -> None:
    a = in_mono(fallback_overrides=0)
    d = script(a, ([MISS] * 3 + [CLEAR]) * 5)
    assert {x.phase for x in d} == {Phase.MONO}


def test_fallback_needs_a_broken_rule_and_no_rule_still_holding() -> None:
    c = ArbiterConfig()
    assert fallback_reason(bad(0.0, 1), c)
    assert fallback_reason(metrics(0.0, 1, tpr=0.6, mse_log=0.02), c) is None  # MSE still within its loose bound
    assert fallback_reason(metrics(0.0, 1, mse_log=0.2), c) is None  # ROC still within its loose bounds
    assert fallback_reason(metrics(0.0, 1, tpr=0.6, mse_log=0.2, n=50), c) is None  # too small a window to judge
