"""Generalisation: a model learned in one room, flown in an unseen one — the accuracy drop and how fast it recovers.

Each transfer run starts from the model its source persistent run saved and flies the next seed's room (other
textures, lighting and layout) as `persistent`: the arbiter does not trust the model there until the learner's
held-out test in the new room passes, while mono keeps learning from the new room's stereo. Mono estimates are
logged on every frame in every phase, so their accuracy against ground truth is known from the first frame.

- level: the source run's mono ROC AUC against ground truth over its last minute (what it had learned);
- drop: level minus the transfer run's AUC in its first window (the unseen room, before it learned there);
- recovery: the start of the first window whose AUC is back within `RECOVERY_TOLERANCE` of the level;
- baseline: the persistent run that learned the same target room from scratch (the main grid's run).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from drone_ssl_lab.experiment.aggregate import RunRecord, finished
from drone_ssl_lab.experiment.stats import Estimate, mean_ci, paired_mean_difference

RECOVERY_TOLERANCE = 0.05  # AUC points below the learned level that still count as recovered


@dataclass(frozen=True)
class TransferRun:
    seed: int  # the unseen room
    source_seed: int  # where the model was learned
    level_auc: float
    first_auc: float
    recovery_s: float | None  # None: not within the flight
    level_mae_m: float
    first_mae_m: float
    switch_time_s: float | None
    scratch_switch_time_s: float | None
    scratch_first_auc: float

    @property
    def drop_auc(self) -> float:
        return self.level_auc - self.first_auc


@dataclass(frozen=True)
class TransferSummary:
    estimator: str
    runs: list[TransferRun]
    drop_auc: Estimate
    first_auc: Estimate
    level_auc: Estimate
    mae_increase_m: Estimate
    recovered: int
    recovery_s: Estimate  # over the runs that recovered
    head_start_auc: Estimate  # transfer minus scratch AUC in the first window (what the old room's model buys)
    switch_time_s: Estimate
    switch_saved_s: Estimate  # scratch minus transfer switch time, on runs where both switched


def _window_value(record: RunRecord, index: int, key: str) -> float:
    windows = record.metrics["windows"] if record.metrics else []
    value = windows[index].get(key) if index < len(windows) else None
    return math.nan if value is None else float(value)


def recovery_time(record: RunRecord, level: float) -> float | None:
    """Start of the first window whose mono AUC vs truth is within the tolerance of `level`."""
    if not math.isfinite(level):
        return None
    for w in record.metrics["windows"]:
        auc = w.get("mono_gt_auc")
        if auc is not None and auc >= level - RECOVERY_TOLERANCE:
            return float(w["t_start"])
    return None


def transfer_runs(transfers: Sequence[RunRecord], persistent: Sequence[RunRecord]) -> list[TransferRun]:
    """Pair each finished transfer run with its source run (the model) and its room's from-scratch run."""
    by_seed = {r.spec.seed: r for r in finished(persistent)}
    out = []
    for t in sorted(finished(transfers), key=lambda r: r.spec.seed):
        source, scratch = by_seed.get(t.spec.source_seed), by_seed.get(t.spec.seed)
        if source is None:
            continue
        level = source.get("mono_gt_final_auc")
        out.append(TransferRun(
            seed=t.spec.seed,
            source_seed=int(t.spec.source_seed),
            level_auc=level,
            first_auc=_window_value(t, 0, "mono_gt_auc"),
            recovery_s=recovery_time(t, level),
            level_mae_m=source.get("mono_gt_final_mae_m"),
            first_mae_m=_window_value(t, 0, "mono_gt_mae_m"),
            switch_time_s=t.scalars.get("switch_time_s"),
            scratch_switch_time_s=None if scratch is None else scratch.scalars.get("switch_time_s"),
            scratch_first_auc=math.nan if scratch is None else _window_value(scratch, 0, "mono_gt_auc"),
        ))  # fmt: skip
    return out


def summarise_transfer(
    estimator: str, transfers: Sequence[RunRecord], persistent: Sequence[RunRecord]
) -> TransferSummary:
    runs = transfer_runs(transfers, persistent)
    recovered = [r.recovery_s for r in runs if r.recovery_s is not None]
    return TransferSummary(
        estimator=estimator,
        runs=runs,
        drop_auc=mean_ci([r.drop_auc for r in runs]),
        first_auc=mean_ci([r.first_auc for r in runs]),
        level_auc=mean_ci([r.level_auc for r in runs]),
        mae_increase_m=mean_ci([r.first_mae_m - r.level_mae_m for r in runs]),
        recovered=len(recovered),
        recovery_s=mean_ci(recovered),
        head_start_auc=paired_mean_difference([r.first_auc for r in runs], [r.scratch_first_auc for r in runs]),
        switch_time_s=mean_ci([r.switch_time_s for r in runs]),
        switch_saved_s=paired_mean_difference(
            [r.scratch_switch_time_s for r in runs], [r.switch_time_s for r in runs]
        ),  # fmt: skip
    )
