"""ROC AUC, finite pairs and distance errors used by the perception benches and the learner's validation."""

from __future__ import annotations

import numpy as np
import pytest

from drone_ssl.mono.evaluation import distance_errors, finite_pairs, obstacle_auc, roc_auc


def test_roc_auc_known_values() -> None:
    positive = np.array([1, 1, 0, 0], bool)
    assert roc_auc(np.array([4, 3, 2, 1]), positive) == 1.0
    assert roc_auc(np.array([1, 2, 3, 4]), positive) == 0.0
    assert roc_auc(np.array([1, 1, 1, 1]), positive) == 0.5
    assert roc_auc(np.array([4, 2, 3, 1]), positive) == 0.75
    assert roc_auc(np.array([1, 2]), np.array([True, True])) is None


def test_obstacle_auc_treats_nearer_as_more_likely_and_skips_missing() -> None:
    truth = np.array([0.5, 1.0, 3.0, 4.0, 2.0])
    predicted = np.array([0.6, 1.1, 2.5, 5.0, np.nan])
    assert obstacle_auc(predicted, truth, avoid_distance_m=1.2) == 1.0


def test_finite_pairs_drops_any_pair_with_a_missing_side_and_refuses_unequal_lengths() -> None:
    predicted, truth = finite_pairs(np.array([1.0, np.nan, 3.0, np.inf]), np.array([0.5, 2.0, -np.inf, 4.0]))
    np.testing.assert_array_equal(predicted, [1.0])
    np.testing.assert_array_equal(truth, [0.5])
    with pytest.raises(ValueError, match="differ in length"):
        finite_pairs(np.ones(2), np.ones(3))


def test_distance_errors() -> None:
    errors = distance_errors(np.array([1.0, 2.0, 5.0, np.nan]), np.array([1.1, 2.0, 3.0, 2.0]))
    assert errors["median_abs_m"] == pytest.approx(0.1)
    assert errors["bad_share"] == pytest.approx(1 / 3)
    assert errors["coverage"] == pytest.approx(0.75) and errors["n"] == 3
    assert distance_errors(np.array([np.nan]), np.array([1.0]))["coverage"] == 0.0


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_non_finite_mono_distance_is_no_reading(bad: float) -> None:
    """A NaN distance must never reach the arbiter as a number (NaN compares as 'nothing ahead')."""
    from drone_ssl.mono.reading import MonoReading

    reading = MonoReading(bad, 0.9, depth_m=np.full((2, 2), bad), profile_m=np.array([1.0, bad]))
    assert reading.distance_m is None and not reading.valid and reading.confidence == 0.0
    assert reading.depth_m is None and reading.profile_m is None and reading.sectors_m() == (None, None, None)
    assert MonoReading(2.0, float("nan")).confidence == 0.0
    assert MonoReading(2.0, 0.5).distance_m == 2.0
