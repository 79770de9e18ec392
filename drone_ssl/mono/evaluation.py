"""Accuracy of distance estimates: errors against a reference and ROC AUC of the "obstacle ahead" decision."""

from __future__ import annotations

import numpy as np


def roc_auc(scores: np.ndarray, positive: np.ndarray) -> float | None:
    """Area under the ROC curve of `scores` (higher = more likely positive), ties counted half;
    None when only one class is present (the AUC is then undefined, not 0.5)."""
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    # Average ranks over ties (Mann-Whitney U).
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_scores)) + 1]
    ends = np.r_[starts[1:], len(scores)]
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2.0
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def finite_pairs(predicted_m: np.ndarray, true_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (predicted, true) distance pairs where both are finite numbers (NaN / inf / missing dropped)."""
    predicted = np.asarray(predicted_m, dtype=np.float64).ravel()
    truth = np.asarray(true_m, dtype=np.float64).ravel()
    if predicted.shape != truth.shape:
        raise ValueError(f"the two distance series differ in length ({predicted.size} vs {truth.size})")
    keep = np.isfinite(predicted) & np.isfinite(truth)
    return predicted[keep], truth[keep]


def obstacle_auc(predicted_m: np.ndarray, true_m: np.ndarray, avoid_distance_m: float) -> float | None:
    """ROC AUC of "obstacle within `avoid_distance_m`", a nearer prediction meaning more likely an obstacle."""
    predicted, truth = finite_pairs(predicted_m, true_m)
    return roc_auc(-predicted, truth < avoid_distance_m)


def distance_errors(predicted_m: np.ndarray, true_m: np.ndarray, bad_relative: float = 0.25) -> dict[str, float]:
    """Median |error| (m), median |log error|, share of "bad" estimates (off by more than `bad_relative` of the
    truth) and the share of frames that had an estimate at all (NaN = none)."""
    predicted, truth = np.asarray(predicted_m, dtype=np.float64), np.asarray(true_m, dtype=np.float64)
    has_truth = np.isfinite(truth)
    keep = has_truth & np.isfinite(predicted)
    if not keep.any():
        nan = float("nan")
        return {"median_abs_m": nan, "median_abs_log": nan, "bad_share": nan, "coverage": 0.0, "n": 0}
    error = np.abs(predicted[keep] - truth[keep])
    return {
        "median_abs_m": float(np.median(error)),
        "median_abs_log": float(np.median(np.abs(np.log(predicted[keep] / truth[keep])))),
        "bad_share": float((error > bad_relative * truth[keep]).mean()),
        "coverage": float(keep.sum() / max(1, has_truth.sum())),
        "n": int(keep.sum()),
    }
