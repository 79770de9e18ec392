"""Seeded k-means (k-means++ start, Lloyd iterations) for learning texton dictionaries."""

from __future__ import annotations

import numpy as np

from drone_ssl.errors import DroneSSLError


def squared_distances(points: np.ndarray, centres: np.ndarray, point_norms: np.ndarray | None = None) -> np.ndarray:
    """(n, k) squared Euclidean distances, by expansion to stay fast for many points (norms may be precomputed)."""
    norms = (points * points).sum(1) if point_norms is None else point_norms
    d = norms[:, None] - 2.0 * points @ centres.T + (centres * centres).sum(1)[None, :]
    return np.maximum(d, 0.0)


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 30) -> np.ndarray:
    """(k, dim) float32 centres of `points` (n, dim); needs at least k points."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[0] < k:
        raise DroneSSLError(f"k-means needs at least {k} points of shape (n, dim), got {points.shape}")
    norms = (points * points).sum(1)
    centres = _plus_plus(points, norms, k, rng)
    for _ in range(iterations):
        nearest = squared_distances(points, centres, norms).argmin(1)
        counts = np.bincount(nearest, minlength=k)
        moved = (np.eye(k)[nearest].T @ points) / np.maximum(counts, 1)[:, None]
        for j in np.flatnonzero(counts == 0):
            # An empty cluster restarts on the point worst served, so all k centres stay in use.
            moved[j] = points[squared_distances(points, moved, norms).min(1).argmax()]
        if np.allclose(moved, centres):
            break
        centres = moved
    return centres.astype(np.float32)


def _plus_plus(points: np.ndarray, norms: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [points[rng.integers(len(points))]]
    closest = squared_distances(points, np.array(centres), norms)[:, 0]
    for _ in range(1, k):
        total = closest.sum()
        index = rng.choice(len(points), p=closest / total) if total > 0 else rng.integers(len(points))
        centres.append(points[index])
        closest = np.minimum(closest, squared_distances(points, points[index : index + 1], norms)[:, 0])
    return np.array(centres)
