"""Arbiter phases on scripted readings: switching to mono, hysteresis, dwell, stereo loss and the safe state."""

from __future__ import annotations

import dataclasses

import pytest
from scripted_readings import AVOID, bad, metrics, mono, stereo

from drone_ssl.arbiter import STRATEGIES, Arbiter, Decision, Phase
from drone_ssl.config.flight import STRATEGY_NAMES, ArbiterConfig


def arbiter(strategy: str = "persistent", **changes: object) -> Arbiter:
    return Arbiter(dataclasses.replace(ArbiterConfig(strategy=strategy, mono_smoothing_frames=1), **changes), AVOID)


def fly(a: Arbiter, t0: float, t1: float, dt: float = 0.1, **frame: object) -> list[Decision]:
    """Feed identical frames from t0 (inclusive) to t1 (exclusive)."""
    out, t = [], t0
    while t < t1 - 1e-9:
        out.append(a.update(t, frame.get("stereo", stereo(3.0)), frame.get("mono", mono(3.0)), frame.get("metrics")))
        t = round(t + dt, 6)
    return out


def switches(decisions: list[Decision]) -> list[tuple[float, Phase, Phase]]:
    return [(d.switch.t, d.switch.previous, d.switch.phase) for d in decisions if d.switch]


def test_every_configurable_strategy_has_a_definition() -> None:
    assert set(STRATEGIES) == set(STRATEGY_NAMES)


def test_stereo_flies_first_and_decides_on_the_avoid_distance() -> None:
    a = arbiter()
    far, near, none = (a.update(t, stereo(d), mono(3.0), None) for t, d in ((0, 3.0), (0.1, 1.0), (0.2, None)))
    assert far.phase is Phase.STEREO and far.cue == "stereo" and not far.obstacle and not far.blind
    assert near.obstacle and near.distance_m == 1.0 and near.threshold_m == AVOID
    assert none.blind and not none.obstacle


@pytest.mark.parametrize(
    ("why", "m"),
    [
        ("no learning round yet", metrics(1.0, 0)),
        ("too few samples", metrics(1.0, 1, n=50)),
        ("too few obstacles in the window", metrics(1.0, 1, n_obstacle=3)),
        ("TPR short of 0.95", metrics(1.0, 1, tpr=0.9)),
        ("FPR above 0.4", metrics(1.0, 1, fpr=0.45)),
    ],
)
def test_no_switch_without_enough_evidence(why: str, m: object) -> None:
    decisions = fly(arbiter(), 0.0, 30.0, metrics=m)
    assert switches(decisions) == [], why


def test_switch_to_mono_once_validated_after_the_dwell_time() -> None:
    a = arbiter()
    decisions = fly(a, 0.0, 4.0) + fly(a, 4.0, 15.0, metrics=metrics(4.0, 1, threshold_m=1.45))
    assert switches(decisions) == [(10.0, Phase.STEREO, Phase.MONO)]  # validated at 4 s, STEREO since 0 s
    switch = next(d.switch for d in decisions if d.switch)
    assert "TPR 0.97" in switch.reason
    last = decisions[-1]
    assert last.phase is Phase.MONO and last.cue == "mono" and last.threshold_m == 1.45
    assert a.update(15.0, stereo(3.0), mono(1.3), None).obstacle  # mono now decides, on its learned threshold


def test_the_papers_rule_switches_at_a_false_positive_rate_under_0_4() -> None:
    # TPR >= 0.95 keeps the drone safe; an FPR under 0.4 only costs detours (van Hecke et al., 2015 rule).
    assert switches(fly(arbiter(), 0.0, 12.0, metrics=metrics(1.0, 1, tpr=0.95, fpr=0.38)))
    assert not switches(fly(arbiter(), 0.0, 12.0, metrics=metrics(1.0, 1, tpr=0.94, fpr=0.05)))


def test_the_mse_rule_switches_too_unless_turned_off() -> None:
    low_mse = metrics(1.0, 1, tpr=0.5, fpr=0.5, mse_log=0.005)
    assert switches(fly(arbiter(), 0.0, 12.0, metrics=low_mse))
    assert not switches(fly(arbiter(switch_max_mse_log=0.0), 0.0, 12.0, metrics=low_mse))


def in_mono(strategy: str = "persistent", **changes: object) -> Arbiter:
    a = arbiter(strategy, **changes)
    fly(a, 0.0, 10.1, metrics=metrics(0.0, 1))
    assert a.phase is Phase.MONO
    return a


def test_hysteresis_mono_keeps_flying_between_the_switch_and_fallback_bounds() -> None:
    a = in_mono()
    middling = metrics(12.0, 2, tpr=0.9, fpr=0.3)  # would not switch up, is not bad enough to fall back
    assert not switches(fly(a, 10.1, 40.0, metrics=middling))


def test_degraded_mono_falls_back_and_needs_a_later_round_and_the_strict_bounds_to_return() -> None:
    a = in_mono()
    assert not switches(fly(a, 10.1, 25.0, metrics=bad(12.0, 2)))  # one degraded window may be noise
    assert not switches(fly(a, 25.0, 26.0, metrics=metrics(25.0, 2)))  # and a fine one resets the count
    decisions = fly(a, 26.0, 28.0, metrics=bad(26.0, 2)) + fly(a, 28.0, 30.0, metrics=bad(28.0, 3))
    assert switches(decisions) == [(28.0, Phase.MONO, Phase.STEREO)]  # the second degraded window in a row
    assert "degraded" in next(d.switch for d in decisions if d.switch).reason
    assert not switches(fly(a, 30.0, 45.0, metrics=metrics(30.0, 3)))  # good numbers, but the same round
    assert not switches(fly(a, 45.0, 60.0, metrics=metrics(45.0, 4, tpr=0.9)))  # a new round, short of 0.95
    assert switches(fly(a, 60.0, 62.0, metrics=metrics(60.0, 5))) == [(60.0, Phase.STEREO, Phase.MONO)]


def test_a_window_without_obstacles_neither_switches_nor_drops_mono() -> None:
    quiet = metrics(12.0, 2, tpr=float("nan"), fpr=0.05, n_obstacle=0)
    assert not switches(fly(arbiter(), 0.0, 20.0, metrics=quiet))
    assert not switches(fly(in_mono(), 10.1, 40.0, metrics=quiet))


def test_stereo_strategy_never_leaves_stereo_even_with_a_perfect_mono() -> None:
    a = arbiter("stereo")
    decisions = fly(a, 0.0, 30.0, metrics=metrics(0.0, 5, tpr=1.0, fpr=0.0, mse_log=0.0))
    assert {d.phase for d in decisions} == {Phase.STEREO}
    lost = a.update(30.0, None, mono(3.0), None)
    assert lost.phase is Phase.SAFE and lost.cue is None and lost.blind


def test_mono_strategy_flies_the_given_model_from_the_first_frame_and_never_falls_back() -> None:
    a = Arbiter(ArbiterConfig(strategy="mono", mono_smoothing_frames=1), AVOID, mono_threshold_m=1.3)
    first = a.update(0.0, stereo(3.0), mono(1.25), None)
    assert first.phase is Phase.MONO and first.cue == "mono" and first.obstacle and first.switch is None
    assert {d.phase for d in fly(a, 0.1, 40.0, metrics=bad(1.0, 1))} == {Phase.MONO}


@pytest.mark.parametrize("strategy", ["mono", "naive", "persistent"])
@pytest.mark.parametrize(
    ("lose", "reason"),
    [
        ({"stereo": None}, "no right image"),
        ({"stereo": stereo(None, available=False)}, "stereo unavailable"),
    ],
)
def test_stereo_loss_after_the_switch_goes_on_with_mono_alone(strategy: str, lose: dict, reason: str) -> None:
    a = in_mono(strategy)
    decisions = fly(a, 10.1, 11.0, **lose)
    assert switches(decisions) == [(10.1, Phase.MONO, Phase.MONO_ONLY)]
    assert decisions[0].switch.reason == reason
    assert all(d.phase is Phase.MONO_ONLY and d.cue == "mono" for d in decisions)
    back = a.update(11.0, stereo(3.0), mono(3.0), None)
    assert back.phase is Phase.MONO and back.switch.reason == "stereo back"


def test_without_a_right_image_mono_flies_alone_and_no_override_can_fire() -> None:
    """A stereo cut reaches the arbiter as frames without a right image (the pilot drops it), nothing else."""
    a = in_mono()
    decisions = fly(a, 10.1, 20.0, stereo=None, mono=mono(0.4))
    assert decisions[0].switch.reason == "no right image"
    assert {d.phase for d in decisions} == {Phase.MONO_ONLY}
    assert not any(d.override for d in decisions)


def test_safe_when_mono_is_unusable_too_and_recovery_when_stereo_returns() -> None:
    a = in_mono()
    decisions = fly(a, 10.1, 12.0, stereo=None, mono=mono(None))
    assert [s[2] for s in switches(decisions)] == [Phase.MONO_ONLY, Phase.SAFE]
    safe = next(d for d in decisions if d.switch and d.switch.phase is Phase.SAFE)
    assert "no reading" in safe.switch.reason
    assert decisions[-1].phase is Phase.SAFE and decisions[-1].cue is None and not decisions[-1].obstacle
    back = a.update(12.0, stereo(3.0), mono(None), None)
    assert back.phase is Phase.STEREO and back.switch.reason == "stereo back"


def test_stereo_lost_before_mono_is_validated_is_safe() -> None:
    for strategy in ("naive", "persistent"):
        lost = arbiter(strategy).update(0.0, None, mono(3.0), None)
        assert lost.phase is Phase.SAFE and "mono not validated" in lost.switch.reason
        assert not lost.camera_up  # no right image: looking around cannot bring stereo back


def test_safe_says_whether_the_stereo_images_still_arrive() -> None:
    a = arbiter()
    unmatched = dataclasses.replace(stereo(None), available=False)  # images arrive, nothing to match
    assert a.update(0.0, unmatched, mono(3.0), None).camera_up
    assert not a.update(0.1, None, mono(3.0), None).camera_up  # no right image (lost, or cut on purpose)


def test_a_mono_that_stops_reading_hands_back_to_stereo_without_waiting_out_the_dwell() -> None:
    a = in_mono()
    decisions = fly(a, 10.1, 12.0, mono=mono(None))
    assert [(s[1], s[2]) for s in switches(decisions)] == [(Phase.MONO, Phase.STEREO)]
    assert decisions[0].blind and decisions[0].cue == "mono"  # gap frames before mono counts as unusable


def test_the_mono_threshold_follows_the_learner_only_while_stereo_flies() -> None:
    a = arbiter()
    fly(a, 0.0, 5.0, metrics=metrics(0.0, 1, threshold_m=1.5))
    assert a.mono_threshold_m == 1.5  # adopted in STEREO (the switch waits for the dwell time)
    fly(a, 5.0, 10.1, metrics=metrics(5.0, 1, threshold_m=1.45))
    assert a.phase is Phase.MONO and a.mono_threshold_m == 1.45
    fly(a, 10.1, 20.0, metrics=metrics(12.0, 2, threshold_m=2.1))  # a window shaped by mono's own flying
    assert a.mono_threshold_m == 1.45
    assert a.update(20.0, stereo(3.0), mono(2.0), None).threshold_m == 1.45


@pytest.mark.parametrize("bad_distance", [float("nan"), float("inf")])
def test_a_non_finite_mono_distance_is_no_reading_never_a_clear_path(bad_distance: float) -> None:
    """NaN compares as 'nothing ahead'; it must count as no reading, so a blind drone goes SAFE."""
    a = in_mono()
    decisions = fly(a, 10.1, 12.0, stereo=None, mono=mono(bad_distance))
    assert [s[2] for s in switches(decisions)] == [Phase.MONO_ONLY, Phase.SAFE]
    assert decisions[-1].phase is Phase.SAFE and decisions[-1].cue is None
