"""kNN regression over a ring buffer of (features, distance) samples, refitted in batches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drone_ssl.errors import DroneSSLError
from drone_ssl.mono.kmeans import squared_distances


@dataclass(frozen=True)
class KnnFit:
    """An immutable snapshot of the buffer that predictions use until the next refit."""

    features: np.ndarray  # (n, dim)
    log_distances: np.ndarray  # (n,)


class KnnRegressor:
    """The paper's regressor: the newest `capacity` samples, k nearest neighbours, mean of their (log) labels.

    Samples go into the ring buffer at once but count only after `refit()`, like the onboard batch retraining;
    a refit publishes a new snapshot with one reference assignment, so prediction in another thread is safe.
    """

    def __init__(self, k: int, capacity: int, dim: int) -> None:
        self.k, self.capacity, self.dim = k, capacity, dim
        self._features = np.zeros((capacity, dim), dtype=np.float32)
        self._labels = np.zeros(capacity, dtype=np.float32)
        self._next = 0
        self._count = 0
        self.fit: KnnFit | None = None

    def __len__(self) -> int:
        return self._count

    def add(self, features: np.ndarray, distances_m: np.ndarray) -> None:
        """Append samples (n, dim) with positive distances (n,), overwriting the oldest when full."""
        features = np.asarray(features, dtype=np.float32).reshape(-1, self.dim)
        distances = np.asarray(distances_m, dtype=np.float64).reshape(-1)
        if len(features) != len(distances) or not np.all(np.isfinite(distances) & (distances > 0)):
            raise DroneSSLError("kNN samples need one finite positive distance per feature vector")
        if len(features) > self.capacity:
            features, distances = features[-self.capacity :], distances[-self.capacity :]
        slots = (self._next + np.arange(len(features))) % self.capacity
        self._features[slots] = features
        self._labels[slots] = np.log(distances)
        self._next = int((self._next + len(features)) % self.capacity)
        self._count = min(self._count + len(features), self.capacity)

    def refit(self) -> None:
        """Make the buffer's current contents the model."""
        if self._count:
            self.fit = KnnFit(self._features[: self._count].copy(), self._labels[: self._count].copy())

    def predict(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean log distance, std of the neighbours' log distances) per row; raises before the first refit."""
        fit = self.fit
        if fit is None:
            raise DroneSSLError("the kNN regressor has no samples yet; add samples and refit first")
        query = np.asarray(features, dtype=np.float32).reshape(-1, self.dim)
        k = min(self.k, len(fit.features))
        nearest = np.argpartition(squared_distances(query, fit.features), k - 1, axis=1)[:, :k]
        labels = fit.log_distances[nearest]
        return labels.mean(1), labels.std(1)

    def state(self) -> dict[str, np.ndarray]:
        """Arrays that `restore` takes back (the buffer in age order, oldest first)."""
        order = (np.arange(self._count) + (self._next - self._count)) % self.capacity
        return {"features": self._features[order], "log_distances": self._labels[order]}

    def restore(self, features: np.ndarray, log_distances: np.ndarray) -> None:
        self._next = self._count = 0
        self.add(features, np.exp(log_distances))
        self.refit()
