"""Per condition x estimator: the table figures (means and 95% CIs over seeds) and the curves over flight time."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from drone_ssl_lab.experiment.grid import RunSpec
from drone_ssl_lab.experiment.stats import Estimate, mean_ci, ratio_ci

PER_10_MIN = 600.0


@dataclass(frozen=True)
class RunRecord:
    """One planned run: its state on disk and, when finished, its metrics ({"scalars", "windows"})."""

    spec: RunSpec
    state: str
    detail: str | None = None
    metrics: dict[str, Any] | None = None

    @property
    def scalars(self) -> dict[str, Any]:
        return self.metrics["scalars"] if self.metrics else {}

    def get(self, key: str) -> float:
        value = self.scalars.get(key)
        return math.nan if value is None else float(value)


@dataclass(frozen=True)
class Figure:
    """How one table figure is made from runs: the mean of a per-run value (t interval), or a pooled ratio
    scale * sum(numerator) / sum(denominator) (bootstrap over runs)."""

    name: str
    label: str
    value: str | None = None  # per-run scalar: the mean over runs
    numerator: str | None = None  # pooled ratio
    denominator: str | None = None
    scale: float = 1.0
    inverse: bool = False  # report 1 / ratio (e.g. minutes between collisions from collisions per minute)

    def estimate(self, runs: Sequence[RunRecord]) -> Estimate:
        if self.value is not None:
            return mean_ci([r.get(self.value) for r in runs])
        rate = ratio_ci([r.get(self.numerator) for r in runs], [r.get(self.denominator) for r in runs], self.scale)
        return invert(rate) if self.inverse else rate


def invert(e: Estimate) -> Estimate:
    """1 / x with its interval flipped; a rate of 0 (nothing happened) becomes infinitely long between events."""

    def inv(x: float) -> float:
        return math.nan if math.isnan(x) else math.inf if x == 0 else 1.0 / x

    return Estimate(inv(e.value), inv(e.high), inv(e.low), e.n, e.method)


FLYING = (
    Figure("collisions_per_10min", "collisions / 10 min (whole flight)", numerator="collisions",
           denominator="sim_time_s", scale=PER_10_MIN),
    Figure("stereo_collisions_per_10min", "collisions / 10 min on stereo", numerator="stereo_collisions",
           denominator="stereo_s", scale=PER_10_MIN),
    Figure("mono_collisions_per_10min", "collisions / 10 min on mono", numerator="mono_flight_collisions",
           denominator="mono_flight_s", scale=PER_10_MIN),
    Figure("mono_only_collisions_per_10min", "collisions / 10 min on mono alone (stereo cut)",
           numerator="mono_only_collisions", denominator="mono_only_s", scale=PER_10_MIN),
    Figure("min_between_collisions", "flight minutes between collisions", numerator="collisions",
           denominator="sim_time_s", scale=60.0, inverse=True),
    Figure("distance_flown_m", "distance flown (m)", value="distance_flown_m"),
    Figure("metres_per_minute", "metres per minute (whole flight)", numerator="flown_m", denominator="sim_time_s",
           scale=60.0),
    Figure("stereo_metres_per_minute", "metres per minute on stereo", numerator="stereo_m", denominator="stereo_s",
           scale=60.0),
    Figure("mono_metres_per_minute", "metres per minute on mono", numerator="mono_flight_m",
           denominator="mono_flight_s", scale=60.0),
    Figure("mono_forward_pct", "frames flown ahead on mono (%)", numerator="mono_forward_frames",
           denominator="mono_frames", scale=100.0),
    Figure("collisions_per_100m", "collisions / 100 m (whole flight)", numerator="collisions",
           denominator="flown_m", scale=100.0),
    Figure("mono_collisions_per_100m", "collisions / 100 m on mono", numerator="mono_flight_collisions",
           denominator="mono_flight_m", scale=100.0),
    Figure("cells_visited", "0.5 m floor cells visited", value="cells_visited"),
    Figure("switch_time_s", "time to the switch (s, runs that switched)", value="switch_time_s"),
    Figure("override_pct", "training-wheel overrides (% of mono frames)", numerator="overrides",
           denominator="mono_frames", scale=100.0),
)  # fmt: skip
PERCEPTION = (
    Figure("mono_gt_final_auc", "mono ROC AUC vs truth, last minute", value="mono_gt_final_auc"),
    Figure("mono_gt_final_mae_m", "mono MAE vs truth, last minute (m)", value="mono_gt_final_mae_m"),
    Figure("mono_gt_on_mono_auc", "mono ROC AUC vs truth while flying on mono", value="mono_gt_on_mono_auc"),
    Figure("mono_stereo_final_auc", "mono ROC AUC vs stereo, last minute", value="mono_stereo_final_auc"),
    Figure("mono_stereo_final_mae_m", "mono MAE vs stereo, last minute (m)", value="mono_stereo_final_mae_m"),
    Figure("stereo_gt_mae_m", "stereo label MAE vs truth (m)", value="stereo_gt_mae_m"),
    Figure("stereo_gt_auc", "stereo label ROC AUC vs truth", value="stereo_gt_auc"),
)
FIGURES = FLYING + PERCEPTION
FIG = {f.name: f for f in FIGURES}


@dataclass(frozen=True)
class GroupSummary:
    condition: str
    estimator: str
    planned: int
    finished: int
    skipped: int
    switched: int  # finished runs that switched to mono
    flight_min: float  # simulated flight minutes, all finished runs
    mono_min: float
    collisions: int
    figures: dict[str, Estimate]


def finished(records: Sequence[RunRecord]) -> list[RunRecord]:
    return [r for r in records if r.metrics is not None]


def summarise_group(condition: str, estimator: str, records: Sequence[RunRecord]) -> GroupSummary:
    done = finished(records)
    return GroupSummary(
        condition=condition,
        estimator=estimator,
        planned=len(records),
        finished=len(done),
        skipped=sum(r.state == "skipped" for r in records),
        switched=sum(bool(r.scalars.get("switched")) for r in done),
        flight_min=sum(r.get("sim_time_s") for r in done) / 60,
        mono_min=sum(r.get("mono_flight_s") for r in done) / 60,
        collisions=int(sum(r.get("collisions") for r in done)),
        figures={f.name: f.estimate(done) for f in FIGURES},
    )


def group_records(records: Sequence[RunRecord]) -> dict[tuple[str, str], list[RunRecord]]:
    """Records by (condition, estimator), in the order first met."""
    groups: dict[tuple[str, str], list[RunRecord]] = {}
    for r in records:
        groups.setdefault((r.spec.condition, r.spec.estimator), []).append(r)
    return groups


@dataclass(frozen=True)
class Curve:
    """A window metric over flight time: mean and 95% CI over runs, per window."""

    t: np.ndarray  # window mid-times (s)
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray


def curve(records: Sequence[RunRecord], key: str, window_s: float) -> Curve:
    """Runs aligned by window index (all use the same window length); a window counts only its runs with a
    value there (a flight that ended early, or a window without enough pairs, adds nothing)."""
    done = finished(records)
    length = max((len(r.metrics["windows"]) for r in done), default=0)
    stats = []
    for i in range(length):
        values = [r.metrics["windows"][i].get(key) for r in done if i < len(r.metrics["windows"])]
        stats.append(mean_ci(values))
    t = (np.arange(length) + 0.5) * window_s
    column: Callable[[str], np.ndarray] = lambda a: np.array([getattr(s, a) for s in stats], dtype=float)  # noqa: E731
    return Curve(t, column("value"), column("low"), column("high"), column("n"))
