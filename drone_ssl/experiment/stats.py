"""Confidence intervals over seeds: Student-t for means, a seeded bootstrap for pooled ratios and their differences."""

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
    `value` is NaN when there is no data at all. `method`: "t" (Student-t over runs), "bootstrap" (percentile
    bootstrap over runs) or "paired t" / "paired bootstrap" for differences between conditions on the same seeds.
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


def t_two_sided_cdf(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with integer `df` degrees of freedom (Abramowitz & Stegun 26.7.3-4, exact)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df}")
    if t <= 0:
        return 0.0
    theta = math.atan(t / math.sqrt(df))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 0:  # sin(theta) * (1 + 1/2 c^2 + 1*3/(2*4) c^4 + ... up to c^(df-2))
        term = total = 1.0
        for k in range(1, df // 2):
            term *= c2 * (2 * k - 1) / (2 * k)
            total += term
        return min(1.0, s * total)
    # odd: 2/pi * (theta + sin cos (1 + 2/3 c^2 + 2*4/(3*5) c^4 + ... up to c^(df-3)))
    if df == 1:
        return 2 * theta / math.pi
    term = total = 1.0
    for k in range(1, (df - 1) // 2):
        term *= c2 * (2 * k) / (2 * k + 1)
        total += term
    return min(1.0, 2 / math.pi * (theta + s * math.cos(theta) * total))


def t_quantile(level: float, df: int) -> float:
    """The t such that P(|T| < t) = `level` (e.g. 0.95 -> 12.706 for 1 df, 2.262 for 9 df), by bisection."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}")
    lo, hi = 0.0, 1.0
    while t_two_sided_cdf(hi, df) < level:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_two_sided_cdf(mid, df) < level:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return (lo + hi) / 2


def _finite(values: Sequence[float | None]) -> np.ndarray:
    array = np.array([math.nan if v is None else float(v) for v in values], dtype=np.float64)
    return array[np.isfinite(array)]


def mean_ci(values: Sequence[float | None], level: float = LEVEL, method: str = "t") -> Estimate:
    """The mean of the finite values with a Student-t interval (None / NaN values, e.g. runs that never
    switched, are left out and not counted in n)."""
    x = _finite(values)
    n = int(x.size)
    if n == 0:
        return Estimate(NAN, NAN, NAN, 0, method)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, NAN, NAN, 1, method)
    half = t_quantile(level, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n, method)


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
    """Mean of a - b over pairs (the same seed under two conditions) where both are finite, with a t interval."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length ({len(a)} vs {len(b)})")
    diffs = [x - y for x, y in zip(a, b, strict=True) if _is_finite(x) and _is_finite(y)]
    return mean_ci(diffs, level, method="paired t")


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
