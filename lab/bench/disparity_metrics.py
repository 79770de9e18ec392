"""Accuracy of a disparity map against ground truth: density, and bad-pixel rates on kept and on all pixels."""

from __future__ import annotations

import numpy as np


def disparity_scores(estimate: np.ndarray, truth: np.ndarray, bad_px: float = 2.0) -> dict[str, float]:
    """Share of known-truth pixels kept, bad share of kept ones, and bad share of all (unkept counts as bad)."""
    known = np.isfinite(truth)
    kept = known & np.isfinite(estimate)
    bad = kept & (np.abs(np.where(kept, estimate, 0.0) - np.where(known, truth, 0.0)) > bad_px)
    n_known, n_kept = int(known.sum()), int(kept.sum())
    return {
        "density": n_kept / max(n_known, 1),
        "bad_kept": float(bad.sum()) / max(n_kept, 1),
        "bad_all": (float(bad.sum()) + n_known - n_kept) / max(n_known, 1),
    }


def shared_bad(estimate: np.ndarray, other: np.ndarray, truth: np.ndarray, bad_px: float = 2.0) -> tuple[float, float]:
    """(bad share of `estimate`, bad share of `other`) on the pixels both keep: who is right more often there."""
    both = np.isfinite(estimate) & np.isfinite(other) & np.isfinite(truth)
    if not both.any():
        return float("nan"), float("nan")
    t = truth[both]
    return float(np.mean(np.abs(estimate[both] - t) > bad_px)), float(np.mean(np.abs(other[both] - t) > bad_px))
