"""Confidence-interval maths: bootstraps of means, pooled ratios and paired differences, on known numbers."""

from __future__ import annotations

import math

import pytest

from drone_ssl_lab.experiment.aggregate import invert
from drone_ssl_lab.experiment.stats import (
    Estimate,
    mean_ci,
    paired_mean_difference,
    paired_ratio_difference,
    ratio_ci,
)


def test_mean_ci_on_hand_made_values() -> None:
    e = mean_ci([1.0, 2.0, 3.0])
    assert (e.value, e.n, e.method) == (2.0, 3, "bootstrap")
    assert 1.0 <= e.low < 2.0 < e.high <= 3.0  # a resampled mean lies between the smallest and largest value
    assert mean_ci([1.0, 2.0, 3.0]) == e  # seeded: the same report every time


def test_mean_ci_stays_inside_the_range_of_a_bounded_figure() -> None:
    aucs = [1.0, 1.0, 0.99, 1.0, 0.6]  # a t interval would pass 1 here
    e = mean_ci(aucs)
    assert e.high <= 1.0 and e.low >= 0.6 and e.low < e.value < e.high
    times = [0.0, 0.0, 0.0, 200.0]  # nor may a time go below zero
    assert mean_ci(times).low >= 0.0


def test_mean_ci_leaves_out_missing_values_and_has_no_interval_for_one_run() -> None:
    e = mean_ci([5.0, None, float("nan")])
    assert e.value == 5.0 and e.n == 1 and not e.has_interval
    empty = mean_ci([None])
    assert not empty.defined and empty.n == 0
    same = mean_ci([2.0, 2.0, 2.0])
    assert (same.low, same.high) == (2.0, 2.0)


def test_ratio_ci_pools_events_over_time_and_brackets_the_value() -> None:
    # 600 * (2 + 0 + 4) / (300 + 300 + 600) = 3 collisions per 10 minutes
    e = ratio_ci([2, 0, 4], [300.0, 300.0, 600.0], scale=600.0)
    assert e.value == pytest.approx(3.0) and e.n == 3 and e.method == "bootstrap"
    assert 0.0 <= e.low <= e.value <= e.high <= 600.0 * 4 / 600.0
    assert ratio_ci([2, 0, 4], [300.0, 300.0, 600.0], scale=600.0) == e  # seeded: the same report every time


def test_ratio_ci_ignores_runs_that_spent_no_time_there() -> None:
    e = ratio_ci([0, 3, 1], [0.0, 60.0, 60.0], scale=60.0)
    assert e.n == 2 and e.value == pytest.approx(2.0)
    assert not ratio_ci([1], [0.0]).defined
    with pytest.raises(ValueError, match="differ in length"):
        ratio_ci([1, 2], [1.0])


def test_paired_differences() -> None:
    d = paired_mean_difference([3.0, 5.0, None, 7.0], [1.0, 2.0, 9.0, 3.0])
    assert d.n == 3 and d.value == pytest.approx(3.0) and d.method == "paired bootstrap"  # 2, 3, 4
    assert 2.0 <= d.low <= d.high <= 4.0
    # A collides on every seed, B never: the whole interval lies above 0.
    a = paired_ratio_difference([3, 4, 5, 3, 4], [600.0] * 5, [0] * 5, [600.0] * 5, scale=600.0)
    assert a.value == pytest.approx(3.8) and a.low > 0 and a.excludes(0.0)
    # Identical conditions: a difference of exactly 0.
    same = paired_ratio_difference([1, 2], [60.0, 60.0], [1, 2], [60.0, 60.0])
    assert (same.value, same.low, same.high) == (0.0, 0.0, 0.0) and not same.excludes(0.0)


def test_inverting_a_rate_flips_its_interval_and_a_zero_rate_is_infinitely_long() -> None:
    e = invert(Estimate(0.5, 0.0, 2.0, 4, "bootstrap"))
    assert (e.value, e.low, e.high) == (2.0, 0.5, math.inf)
