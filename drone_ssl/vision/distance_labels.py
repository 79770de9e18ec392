"""Turn a disparity map into metric depth, the paper's robust nearest-obstacle label and a column profile."""

from __future__ import annotations

import cv2
import numpy as np


def depth_from_disparity(disparity: np.ndarray, focal_px: float, baseline_m: float) -> np.ndarray:
    """Z = f·B/d in metres; NaN where the disparity is NaN, inf where it is zero (a match at infinity)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        depth = (focal_px * baseline_m) / disparity.astype(np.float32)
    depth[disparity <= 0] = np.inf
    return depth.astype(np.float32)


def central_region(shape: tuple[int, ...], width_share: float, height_share: float) -> tuple[slice, slice]:
    """(rows, cols) of the centred region covering the given shares of the image."""
    h, w = shape[:2]
    rh, rw = max(1, round(h * height_share)), max(1, round(w * width_share))
    top, left = (h - rh) // 2, (w - rw) // 2
    return slice(top, top + rh), slice(left, left + rw)


def smoothed(disparity: np.ndarray, size: int) -> np.ndarray:
    """Mean of the valid disparities in a size x size window at each valid pixel (NaN stays NaN); 1 = unchanged.

    The nearest-obstacle rule takes the near tail of what it is given: per-pixel matching noise (SGBM's
    sub-pixel estimate locks towards whole pixels) widens that tail and pulls labels near. Averaging over the
    matching window's size narrows the noise before the rule sees it.
    """
    if size <= 1:
        return disparity
    valid = np.isfinite(disparity)
    weight = cv2.blur(valid.astype(np.float32), (size, size))
    total = cv2.blur(np.where(valid, disparity, 0.0).astype(np.float32), (size, size))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(valid, total / weight, np.nan).astype(np.float32)


def nearest_disparity(values: np.ndarray, bin_px: float, fraction: float) -> float | None:
    """The paper's nearest-obstacle rule: bin the disparities, walk from the largest (nearest) bin down, and
    return the first bin whose cumulative count reaches `fraction` of the values; None when there are none.

    A few stray large disparities (mismatches) cannot reach the fraction, so they do not make a phantom
    obstacle; a real one covering a small part of the view does.
    """
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    bins = np.floor(np.maximum(values, 0.0) / bin_px).astype(np.int64)
    counts = np.bincount(bins)
    cumulative = np.cumsum(counts[::-1])
    chosen = counts.size - 1 - int(np.argmax(cumulative >= fraction * values.size))
    # The mean inside the chosen bin keeps the label free of the bin's quantisation.
    return float(values[bins == chosen].mean())


def distances_of(disparity: np.ndarray, focal_px: float, baseline_m: float, lo: float, hi: float) -> np.ndarray:
    """Metric distances of label disparities, clipped to [lo, hi]; zero disparity is `hi`, NaN stays NaN."""
    disparity = np.asarray(disparity, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.where(disparity > 0, focal_px * baseline_m / disparity, hi)
    return np.where(np.isfinite(disparity), np.clip(distance, lo, hi), np.nan).astype(np.float32)


def distance_of(disparity: float | None, focal_px: float, baseline_m: float, lo: float, hi: float) -> float | None:
    """`distances_of` for one label; None stays None."""
    if disparity is None:
        return None
    return float(distances_of(np.array([disparity]), focal_px, baseline_m, lo, hi)[0])


def column_profile(
    disparity: np.ndarray, rows: slice, columns: int, bin_px: float, fraction: float, min_valid: float
) -> np.ndarray:
    """Nearest-obstacle disparity of each of `columns` vertical bands (within `rows`); NaN where too few valid.

    `nearest_disparity` in every band at once: one 2-D histogram (band x bin) instead of a loop over bands.
    """
    band = disparity[rows]
    width = band.shape[1]
    edges = np.linspace(0, width, columns + 1).round().astype(int)
    column_of = np.repeat(np.arange(columns), np.diff(edges))  # band index of each image column
    cells = np.broadcast_to(column_of, band.shape)
    finite = np.isfinite(band)
    values, cell = band[finite], cells[finite]
    sizes = np.diff(edges) * band.shape[0]
    counts = np.bincount(cell, minlength=columns)
    out = np.full(columns, np.nan, dtype=np.float32)
    ok = (sizes > 0) & (counts >= min_valid * np.maximum(sizes, 1)) & (counts > 0)
    if not ok.any():
        return out
    bins = np.floor(np.maximum(values, 0.0) / bin_px).astype(np.int64)
    n_bins = int(bins.max()) + 1
    histogram = np.bincount(cell * n_bins + bins, minlength=columns * n_bins).reshape(columns, n_bins)
    cumulative = np.cumsum(histogram[:, ::-1], axis=1)
    chosen = n_bins - 1 - np.argmax(cumulative >= fraction * counts[:, None], axis=1)
    # the mean inside each band's chosen bin, as nearest_disparity takes it
    in_chosen = bins == chosen[cell]
    total = np.bincount(cell[in_chosen], weights=values[in_chosen], minlength=columns)
    number = np.bincount(cell[in_chosen], minlength=columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (total / number).astype(np.float32)
    out[ok] = means[ok]
    return out


def sector_minima(profile: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Nearest distance in the left, centre and right thirds of a column profile; None where all unknown."""
    out = []
    for part in np.array_split(np.asarray(profile, dtype=np.float32), 3):
        finite = part[np.isfinite(part)]
        out.append(float(finite.min()) if finite.size else None)
    return out[0], out[1], out[2]
