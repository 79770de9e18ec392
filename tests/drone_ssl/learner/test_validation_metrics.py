"""Validation metrics: ROC and AUC of the mono obstacle decision, the paper's threshold rule, NaN-safe errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drone_ssl.learner.metrics import RocCurve, choose_threshold, rates_at, roc_curve, validation_metrics

AVOID = 1.2

# Hand-worked window: stereo says obstacle (< 1.2 m) for the first two. Mono ranks 3 of the 4 (obstacle, free)
# pairs right: 0.6 < 1.5, 0.6 < 3.0, 2.5 < 3.0, but 2.5 > 1.5, so the AUC is 3/4.
STEREO = np.array([0.5, 1.0, 2.0, 3.0])
MONO = np.array([0.6, 2.5, 1.5, 3.0])


def area_under(curve: RocCurve) -> float:
    """The trapezoidal area under the curve: an oracle independent of the rank statistic the metrics use."""
    return float(np.trapezoid(curve.tpr, curve.fpr)) if curve.defined else math.nan


def test_hand_worked_roc_curve_and_auc() -> None:
    curve = roc_curve(MONO, STEREO, AVOID)
    np.testing.assert_allclose(curve.thresholds_m, [0.6, 1.05, 2.0, 2.75, np.inf])
    np.testing.assert_allclose(curve.tpr, [0.0, 0.5, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(curve.fpr, [0.0, 0.0, 0.5, 0.5, 1.0])
    assert area_under(curve) == pytest.approx(0.75)
    assert validation_metrics(0.0, 1, MONO, STEREO, AVOID, 0.95).roc_auc == pytest.approx(0.75)


def test_perfect_inverted_and_random_scorers() -> None:
    rng = np.random.default_rng(0)
    stereo = rng.uniform(0.3, 4.0, 2000)
    assert validation_metrics(0.0, 1, stereo * 1.1, stereo, AVOID, 0.95).roc_auc == 1.0
    assert validation_metrics(0.0, 1, 10.0 - stereo, stereo, AVOID, 0.95).roc_auc == 0.0
    random_auc = validation_metrics(0.0, 1, rng.uniform(0.3, 4.0, 2000), stereo, AVOID, 0.95).roc_auc
    assert random_auc == pytest.approx(0.5, abs=0.05)


def test_the_threshold_is_the_lowest_fpr_reaching_the_target_tpr() -> None:
    curve = roc_curve(MONO, STEREO, AVOID)
    assert choose_threshold(curve, 0.95) == pytest.approx(2.75)  # TPR 1 first reached at FPR 0.5
    assert choose_threshold(curve, 0.5) == pytest.approx(1.05)  # TPR 0.5 already at FPR 0
    m = validation_metrics(3.0, 2, MONO, STEREO, AVOID, 0.95)
    assert (m.threshold_m, m.tpr, m.fpr) == (pytest.approx(2.75), 1.0, 0.5)
    assert (m.t, m.learning_round, m.n, m.n_obstacle) == (3.0, 2, 4, 2)


def test_perfect_scorer_threshold_separates_the_classes() -> None:
    stereo = np.array([0.4, 0.8, 1.1, 1.5, 2.0, 3.0])
    m = validation_metrics(0.0, 1, stereo, stereo, AVOID, 0.95)
    assert 1.1 < m.threshold_m < 1.5
    assert (m.tpr, m.fpr) == (1.0, 0.0)


def test_target_reached_only_by_calling_everything_an_obstacle_falls_back_to_the_best_trade_off() -> None:
    stereo = np.array([0.5, 0.6, 0.7, 2.0, 3.0])
    mono = np.array([0.5, 0.6, 5.0, 1.0, 2.0])  # one obstacle is missed badly
    # Youden's TPR - FPR is best (2/3 - 0) between 0.6 and 1.0.
    assert choose_threshold(roc_curve(mono, stereo, AVOID), 0.95) == pytest.approx(0.8)


def test_a_scorer_no_better_than_chance_gives_no_threshold() -> None:
    stereo = np.array([0.5, 1.0, 2.0, 3.0])
    m = validation_metrics(0.0, 1, 5.0 - stereo, stereo, AVOID, 0.95)
    assert m.roc_auc == 0.0
    assert math.isnan(m.threshold_m) and math.isnan(m.tpr) and math.isnan(m.fpr)


def test_a_fixed_threshold_is_scored_as_given() -> None:
    m = validation_metrics(0.0, 1, MONO, STEREO, AVOID, 0.95, threshold_m=AVOID)
    assert (m.threshold_m, m.tpr, m.fpr) == (AVOID, 0.5, 0.0)


def test_rates_at_a_threshold_skip_missing_pairs_and_are_nan_without_a_class_or_threshold() -> None:
    # Truth obstacle (< 1.2 m): the first two; said obstacle (< 1.2 m): the first and third.
    mono, stereo = np.array([0.5, 2.0, 0.9, 3.0, np.nan]), np.array([0.6, 0.7, 2.0, 3.0, 0.5])
    assert rates_at(mono, stereo, AVOID, AVOID) == (0.5, 0.5)
    assert rates_at(mono, stereo, AVOID, 2.5) == (1.0, 0.5)
    tpr, fpr = rates_at(np.array([0.5, 2.0]), np.array([2.0, 3.0]), AVOID, AVOID)
    assert math.isnan(tpr) and fpr == 0.5
    assert all(math.isnan(r) for r in rates_at(mono, stereo, AVOID, math.nan))


def test_errors_in_metres_and_log_distance() -> None:
    m = validation_metrics(0.0, 0, np.array([1.0, math.e]), np.array([1.0, 1.0]), AVOID, 0.95)
    assert m.mae_m == pytest.approx((math.e - 1) / 2)
    assert m.mse_log == pytest.approx(0.5)  # log errors 0 and 1


def test_empty_one_class_and_nan_inputs_give_nan_never_a_crash() -> None:
    empty = validation_metrics(1.0, 0, np.array([]), np.array([]), AVOID, 0.95)
    assert empty.n == 0 and empty.n_obstacle == 0
    assert all(math.isnan(v) for v in (empty.mae_m, empty.mse_log, empty.roc_auc, empty.tpr, empty.fpr))
    assert math.isnan(empty.threshold_m)

    free_only = validation_metrics(1.0, 1, np.array([2.0, 3.0]), np.array([2.5, 3.5]), AVOID, 0.95)
    assert free_only.n == 2 and free_only.mae_m == pytest.approx(0.5)
    assert math.isnan(free_only.roc_auc) and math.isnan(free_only.threshold_m) and math.isnan(free_only.tpr)

    with_nan = validation_metrics(1.0, 1, np.r_[MONO, np.nan, 1.0], np.r_[STEREO, 0.5, np.inf], AVOID, 0.95)
    assert with_nan.n == 4 and with_nan.roc_auc == pytest.approx(0.75)

    all_nan = validation_metrics(1.0, 1, np.full(3, np.nan), np.full(3, np.nan), AVOID, 0.95)
    assert all_nan.n == 0 and math.isnan(all_nan.roc_auc)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        validation_metrics(0.0, 1, np.ones(3), np.ones(4), AVOID, 0.95)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 8).map(lambda v: v * 0.5), st.floats(0.1, 5.0, allow_nan=False)),
        min_size=2,
        max_size=40,
    )
)
def test_curve_area_matches_the_rank_statistic_ties_included(pairs: list[tuple[float, float]]) -> None:
    mono = np.array([p[0] for p in pairs])  # coarse scores: many ties
    stereo = np.array([p[1] for p in pairs])
    curve = roc_curve(mono, stereo, AVOID)
    m = validation_metrics(0.0, 1, mono, stereo, AVOID, 0.95)
    if curve.defined:
        assert area_under(curve) == pytest.approx(m.roc_auc)
        assert np.all(np.diff(curve.tpr) >= 0) and np.all(np.diff(curve.fpr) >= 0)
    else:
        assert math.isnan(m.roc_auc) and math.isnan(area_under(curve))


def test_the_clear_level_is_carried_into_monos_compressed_scale_by_rank() -> None:
    from drone_ssl.learner.metrics import equivalent_level

    stereo = np.linspace(1.0, 3.0, 201)
    mono = 1.5 + 0.25 * (stereo - 1.0)  # compressed: 1.5 .. 2.0
    assert equivalent_level(mono, stereo, 2.0) == pytest.approx(1.75, abs=0.01)  # half-way in both scales
    m = validation_metrics(0.0, 1, mono, stereo, 1.2, 0.95, clear_level_m=1.5)
    assert m.threshold_m < m.clear_m == pytest.approx(1.5 + 0.25 * 0.5, abs=0.01)
    assert np.isnan(validation_metrics(0.0, 1, mono, stereo, 1.2, 0.95).clear_m)  # not asked: NaN, never made up
