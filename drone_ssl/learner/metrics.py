"""Validation metrics of the mono estimate against stereo labels: errors, ROC of the obstacle decision, threshold."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from drone_ssl.mono.evaluation import finite_pairs, roc_auc

NAN = float("nan")


@dataclass(frozen=True)
class ValidationMetrics:
    """How well mono matched stereo on one held-out window.

    The decision scored is "obstacle ahead": truth = stereo label < `avoid_distance_m`, said = mono distance
    < `threshold_m`. `mse_log` is the mean squared error of the natural log of the distance (scale-free, so one
    bound means the same near and far, like the learner's log-distance loss). Every figure is NaN when the
    window cannot define it (no pairs, or one class only for the ROC figures); never a made-up number.
    """

    t: float  # when the window was scored (s)
    learning_round: int  # the learner's round the scored weights came from
    n: int  # pairs with a finite mono and stereo distance
    n_obstacle: int  # of which the stereo label says "obstacle"
    mae_m: float
    mse_log: float
    roc_auc: float
    tpr: float  # at threshold_m
    fpr: float
    threshold_m: float
    # mono's distance at the rank the clear level (avoid distance + the behaviour's margin) has among the window's
    # stereo distances, never under threshold_m: a turn ends when mono reads this, the margin in mono's own scale
    clear_m: float = NAN


@dataclass(frozen=True)
class RocCurve:
    """ROC of "mono distance < threshold" against the stereo truth, thresholds ascending.

    Point i says obstacle for mono distances strictly below `thresholds_m[i]`: the first point says it for none
    (0, 0), the last (threshold inf) for all (1, 1); interior thresholds lie midway between distinct scores.
    Empty arrays when either class is absent.
    """

    thresholds_m: np.ndarray
    tpr: np.ndarray
    fpr: np.ndarray
    n_obstacle: int
    n_free: int

    @property
    def defined(self) -> bool:
        return self.n_obstacle > 0 and self.n_free > 0


def roc_curve(mono_m: np.ndarray, stereo_m: np.ndarray, avoid_distance_m: float) -> RocCurve:
    """ROC curve of the mono obstacle decision, stereo label < `avoid_distance_m` being the truth."""
    mono, stereo = finite_pairs(mono_m, stereo_m)
    obstacle = stereo < avoid_distance_m
    n_obstacle, n_free = int(obstacle.sum()), int((~obstacle).sum())
    if n_obstacle == 0 or n_free == 0:
        empty = np.empty(0)
        return RocCurve(empty, empty, empty, n_obstacle, n_free)
    scores = np.unique(mono)
    thresholds = np.concatenate([scores[:1], (scores[:-1] + scores[1:]) / 2, [np.inf]])
    said_obstacle = np.sort(mono[obstacle])
    said_free = np.sort(mono[~obstacle])
    tpr = np.searchsorted(said_obstacle, thresholds, side="left") / n_obstacle
    fpr = np.searchsorted(said_free, thresholds, side="left") / n_free
    return RocCurve(thresholds, tpr, fpr, n_obstacle, n_free)


def choose_threshold(curve: RocCurve, target_tpr: float) -> float:
    """The paper's rule: the threshold with the lowest FPR whose TPR reaches `target_tpr` (ties: higher TPR).

    When only "everything is an obstacle" (FPR 1) reaches the target, fall back to the best trade-off
    (Youden's TPR - FPR, ties: lower FPR); when nothing beats chance either, NaN: this window offers no
    threshold worth using, and the caller keeps the one it had.
    """
    if not curve.defined:
        return NAN
    reach = (curve.tpr >= target_tpr) & (curve.fpr < 1.0)
    if reach.any():
        index = np.flatnonzero(reach)
        # lexsort: last key is primary; lowest FPR first, then highest TPR.
        best = index[np.lexsort((-curve.tpr[index], curve.fpr[index]))[0]]
        return float(curve.thresholds_m[best])
    youden = curve.tpr - curve.fpr
    if youden.max() <= 0.0:
        return NAN
    best = np.lexsort((curve.fpr, -youden))[0]
    return float(curve.thresholds_m[best])


def rates_at(
    mono_m: np.ndarray, stereo_m: np.ndarray, avoid_distance_m: float, threshold_m: float
) -> tuple[float, float]:
    """(TPR, FPR) of saying "obstacle" when mono < `threshold_m`, the truth being stereo < `avoid_distance_m`;
    NaN for a rate whose class is absent."""
    mono, stereo = finite_pairs(mono_m, stereo_m)
    if math.isnan(threshold_m):
        return NAN, NAN
    said, real = mono < threshold_m, stereo < avoid_distance_m
    tpr = float(said[real].mean()) if real.any() else NAN
    fpr = float(said[~real].mean()) if (~real).any() else NAN
    return tpr, fpr


def equivalent_level(mono_m: np.ndarray, stereo_m: np.ndarray, level_m: float) -> float:
    """Mono's distance at the rank `level_m` has among the stereo distances of the same frames (a quantile map):
    a stereo distance carried into mono's own scale, which learning compresses; NaN without finite pairs."""
    mono, stereo = finite_pairs(mono_m, stereo_m)
    if mono.size == 0:
        return NAN
    rank = float(np.mean(stereo < level_m))
    return float(np.quantile(mono, min(max(rank, 0.0), 1.0)))


def validation_metrics(
    t: float,
    learning_round: int,
    mono_m: np.ndarray,
    stereo_m: np.ndarray,
    avoid_distance_m: float,
    target_tpr: float,
    threshold_m: float | None = None,
    clear_level_m: float | None = None,
) -> ValidationMetrics:
    """Score one held-out window of (mono, stereo) distances in metres.

    With `threshold_m` None the threshold is re-chosen from this window's ROC (`choose_threshold`) and TPR/FPR
    are reported there; pass a threshold to score a fixed one instead (e.g. a frozen model's). `clear_level_m`
    (stereo's "clear" distance) gives `clear_m`, its equivalent in mono's scale (NaN when not asked).
    """
    mono, stereo = finite_pairs(mono_m, stereo_m)
    curve = roc_curve(mono, stereo, avoid_distance_m)
    threshold = choose_threshold(curve, target_tpr) if threshold_m is None else float(threshold_m)
    tpr, fpr = rates_at(mono, stereo, avoid_distance_m, threshold)
    positive = (mono > 0) & (stereo > 0)  # log error needs positive distances
    auc = roc_auc(-mono, stereo < avoid_distance_m) if curve.defined else None
    return ValidationMetrics(
        t=float(t),
        learning_round=int(learning_round),
        n=int(mono.size),
        n_obstacle=curve.n_obstacle,
        mae_m=float(np.abs(mono - stereo).mean()) if mono.size else NAN,
        mse_log=float(np.square(np.log(mono[positive] / stereo[positive])).mean()) if positive.any() else NAN,
        roc_auc=NAN if auc is None else auc,
        tpr=tpr,
        fpr=fpr,
        threshold_m=threshold,
        clear_m=_clear_level(mono, stereo, clear_level_m, threshold),
    )


def _clear_level(mono: np.ndarray, stereo: np.ndarray, clear_level_m: float | None, threshold_m: float) -> float:
    if clear_level_m is None or not math.isfinite(threshold_m):
        return NAN
    level = equivalent_level(mono, stereo, clear_level_m)
    return max(level, threshold_m) if math.isfinite(level) else NAN
