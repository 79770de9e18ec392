"""Confidence intervals over seeds: seeded percentile bootstraps for means, pooled ratios and their differences."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_SEED = 0  # fixed: the same runs always give the same report
NAN = float("nan")


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95% confidence interval over `n` runs (seeds).

    `low`/`high` are NaN when the interval is undefined (one run; a ratio with nothing to divide by);
    `value` is NaN when there is no data at all. `method`: "bootstrap" (percentile bootstrap over runs) or
    "paired bootstrap" for differences between conditions on the same seeds.
    """

    value: float
    low: float
    high: float
    n: int
    method: str

    @property
    def defined(self) -> bool:
        return math.isfinite(self.value)

    @property
    def has_interval(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)

    def excludes(self, x: float = 0.0) -> bool:
        """Whether the interval lies entirely above or below `x` (a difference that is not chance at 95%)."""
        return self.has_interval and (self.low > x or self.high < x)


def _finite(values: Sequence[float | None]) -> np.ndarray:
    array = np.array([math.nan if v is None else float(v) for v in values], dtype=np.float64)
    return array[np.isfinite(array)]


def mean_ci(
    values: Sequence[float | None],
    level: float = LEVEL,
    method: str = "bootstrap",
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Estimate:
    """The mean of the finite values with a percentile bootstrap interval over runs (None / NaN values, e.g. runs
    that never switched, are left out and not counted in n). A resampled mean is a mean of observed values, so
    the interval stays inside the figure's range (an AUC never passes 1, a time is never negative)."""
    x = _finite(values)
    n = int(x.size)
    if n == 0:
        return Estimate(NAN, NAN, NAN, 0, method)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, NAN, NAN, 1, method)
    low, high = _percentiles(x[_resample_indices(n, resamples, seed)].mean(axis=1), level)
    return Estimate(mean, low, high, n, method)


def _ratio(num: np.ndarray, den: np.ndarray, scale: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, scale * num / np.where(den > 0, den, 1.0), np.nan)


def _percentiles(samples: np.ndarray, level: float) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if finite.size == 0:
        return NAN, NAN
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def _resample_indices(n: int, resamples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def ratio_ci(
    numerators: Sequence[float],
    denominators: Sequence[float],
    scale: float = 1.0,
    level: float = LEVEL,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Estimate:
    """A pooled ratio, scale * sum(num) / sum(den) (e.g. collisions per 10 min = 600 * collisions / seconds),
    with a percentile bootstrap over runs: each resample draws whole runs, so room-to-room spread counts.

    Runs with a zero denominator (no time in that phase) add nothing and are left out of n.
    """
    num, den = np.asarray(numerators, dtype=np.float64), np.asarray(denominators, dtype=np.float64)
    if num.shape != den.shape:
        raise ValueError(f"numerators and denominators differ in length ({num.size} vs {den.size})")
    keep = np.isfinite(num) & np.isfinite(den) & (den > 0)
    num, den = num[keep], den[keep]
    n = int(num.size)
    if n == 0:
        return Estimate(NAN, NAN, NAN, 0, "bootstrap")
    value = float(scale * num.sum() / den.sum())
    if n == 1:
        return Estimate(value, NAN, NAN, 1, "bootstrap")
    idx = _resample_indices(n, resamples, seed)
    low, high = _percentiles(_ratio(num[idx].sum(axis=1), den[idx].sum(axis=1), scale), level)
    return Estimate(value, low, high, n, "bootstrap")


def paired_mean_difference(a: Sequence[float | None], b: Sequence[float | None], level: float = LEVEL) -> Estimate:
    """Mean of a - b over pairs (the same seed under two conditions) where both are finite, with a paired
    bootstrap interval (whole seeds resampled)."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length ({len(a)} vs {len(b)})")
    diffs = [x - y for x, y in zip(a, b, strict=True) if _is_finite(x) and _is_finite(y)]
    return mean_ci(diffs, level, method="paired bootstrap")


def paired_ratio_difference(
    num_a: Sequence[float],
    den_a: Sequence[float],
    num_b: Sequence[float],
    den_b: Sequence[float],
    scale: float = 1.0,
    level: float = LEVEL,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Estimate:
    """Pooled ratio of A minus pooled ratio of B over paired runs (index i = the same seed), bootstrapping the
    seeds together so that a hard room counts against both conditions. Pairs where either side spent no time
    (zero denominator) are left out."""
    arrays = [np.asarray(v, dtype=np.float64) for v in (num_a, den_a, num_b, den_b)]
    if len({a.size for a in arrays}) != 1:
        raise ValueError("paired ratio samples differ in length")
    na, da, nb, db = arrays
    keep = np.isfinite(na) & np.isfinite(nb) & (da > 0) & (db > 0)
    na, da, nb, db = na[keep], da[keep], nb[keep], db[keep]
    n = int(na.size)
    if n == 0:
        return Estimate(NAN, NAN, NAN, 0, "paired bootstrap")
    value = float(scale * (na.sum() / da.sum() - nb.sum() / db.sum()))
    if n == 1:
        return Estimate(value, NAN, NAN, 1, "paired bootstrap")
    idx = _resample_indices(n, resamples, seed)
    diff = _ratio(na[idx].sum(1), da[idx].sum(1), scale) - _ratio(nb[idx].sum(1), db[idx].sum(1), scale)
    low, high = _percentiles(diff, level)
    return Estimate(value, low, high, n, "paired bootstrap")


def _is_finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)
