"""The paper's monocular estimator: texton histograms regressed with kNN on a ring buffer (a `MonoEstimator`)."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import numpy as np

from drone_ssl.atomic_file import write_atomically
from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.errors import DroneSSLError
from drone_ssl.mono.checkpoint import CheckpointError, label_definition
from drone_ssl.mono.knn import KnnRegressor
from drone_ssl.mono.reading import MonoReading
from drone_ssl.mono.textons import TextonDictionary
from drone_ssl.vision.image_input import as_gray_u8, is_featureless

DICTIONARY_IMAGES = 10  # frames gathered before the dictionary is learned, when none was given
FORMAT_VERSION = 1
TEXTON_ARRAYS = ("intensity", "gradient", "shape", "features", "log_distances")
MAX_ARRAY_BYTES = 512 * 2**20  # far beyond a ring buffer of texton histograms; refuses decompression bombs


class TextonKnnEstimator:
    """Implements `MonoEstimator`; the training API is `add(left, distance)` (batch refits every
    `retrain_every` samples) or `add_features` + `retrain()` for offline use.

    Without a dictionary, the first frames handed to `add` are kept to learn one, then turned into samples.
    `predict` returns no distance until the kNN has been fitted at least once.
    """

    def __init__(self, perception: PerceptionConfig, dictionary: TextonDictionary | None = None) -> None:
        self.perception = perception
        self.config = perception.textons
        self.dictionary = dictionary
        self.knn: KnnRegressor | None = None
        self._pending: list[tuple[np.ndarray, float]] = []
        self._since_refit = 0
        if dictionary is not None:
            self.knn = KnnRegressor(self.config.k, self.config.buffer_size, dictionary.size)

    @property
    def ready(self) -> bool:
        return self.knn is not None and self.knn.fit is not None

    def learn_dictionary(self, images: list[np.ndarray]) -> None:
        """Learn the textons from `images`; this empties the sample buffer (old features no longer apply)."""
        self.dictionary = TextonDictionary.learn(images, self.config)
        self.knn = KnnRegressor(self.config.k, self.config.buffer_size, self.dictionary.size)
        self._since_refit = 0

    def features(self, left: np.ndarray) -> np.ndarray:
        if self.dictionary is None:
            raise DroneSSLError("the texton estimator has no dictionary yet; call learn_dictionary or add frames")
        return self.dictionary.features(as_gray_u8(left, "left image"))

    def add(self, left: np.ndarray, distance_m: float | None) -> None:
        """One training frame with its stereo label; frames without a label (None, NaN) are skipped."""
        if distance_m is None or not np.isfinite(distance_m) or distance_m <= 0:
            return
        image = as_gray_u8(left, "left image")
        if self.dictionary is None:
            self._pending.append((image, float(distance_m)))
            if len(self._pending) >= DICTIONARY_IMAGES:
                pending, self._pending = self._pending, []
                self.learn_dictionary([p[0] for p in pending])
                for frame, label in pending:
                    self.add(frame, label)
            return
        self.add_features(self.dictionary.features(image)[None], np.array([distance_m]))

    def add_features(self, features: np.ndarray, distances_m: np.ndarray) -> None:
        """Samples as precomputed feature rows; refits whenever `retrain_every` new ones have come in."""
        if self.knn is None:
            raise DroneSSLError("the texton estimator has no dictionary yet; call learn_dictionary first")
        lo, hi = self.perception.min_distance_m, self.perception.max_distance_m
        self.knn.add(features, np.clip(distances_m, lo, hi))
        self._since_refit += len(np.atleast_1d(distances_m))
        if self._since_refit >= self.config.retrain_every or self.knn.fit is None:
            self.retrain()

    def retrain(self) -> None:
        """Refit the kNN on the whole ring buffer now."""
        if self.knn is not None:
            self.knn.refit()
            self._since_refit = 0

    def predict(self, left: np.ndarray) -> MonoReading:
        image = as_gray_u8(left, "left image")
        if not self.ready or is_featureless(image, self.perception.cnn.min_contrast):
            return MonoReading(distance_m=None, confidence=0.0)
        mean, spread = self.knn.predict(self.dictionary.features(image))
        lo, hi = self.perception.min_distance_m, self.perception.max_distance_m
        return MonoReading(distance_m=float(np.clip(np.exp(mean[0]), lo, hi)), confidence=float(np.exp(-spread[0])))

    def save(self, path: str | Path) -> None:
        """Dictionary, buffer and label definition in one .npz (read back without pickle), whole or not at all."""
        if self.dictionary is None or self.knn is None:
            raise DroneSSLError("nothing to save: the texton estimator has no dictionary yet")
        meta = {"format_version": FORMAT_VERSION, "label": label_definition(self.perception)}
        state = self.knn.state()
        arrays = {
            "meta": np.array(json.dumps(meta)),
            "intensity": self.dictionary.intensity,
            "gradient": self.dictionary.gradient,
            "shape": np.array([self.dictionary.patch_px, self.dictionary.grid]),
            **state,
        }
        write_atomically(path, lambda f: np.savez_compressed(f, **arrays))  # a file object: no suffix appended

    @classmethod
    def load(cls, path: str | Path, perception: PerceptionConfig) -> TextonKnnEstimator:
        """Read a saved estimator; raises CheckpointError when it is unreadable or made for another label."""
        p = Path(path)
        if not p.is_file():
            raise CheckpointError(f"texton model {p} does not exist")
        try:
            with np.load(p, allow_pickle=False) as data:
                if not isinstance(data, np.lib.npyio.NpzFile):
                    raise ValueError("a single array, not an .npz archive")
                missing = {"meta", *TEXTON_ARRAYS} - set(data.files)
                if missing:
                    raise CheckpointError(f"texton model {p} lacks {', '.join(sorted(missing))}; not a texton model")
                for name in TEXTON_ARRAYS:  # sizes from the headers, before numpy allocates what they claim
                    if _declared_bytes(data.zip, f"{name}.npy") > MAX_ARRAY_BYTES:
                        raise CheckpointError(f"texton model {p}: {name} is larger than {MAX_ARRAY_BYTES:,} bytes")
                meta = json.loads(str(data["meta"]))
                arrays = {k: data[k] for k in TEXTON_ARRAYS}
        except CheckpointError:
            raise
        except Exception as exc:  # zip, zlib, npy-header and JSON errors all mean "damaged"
            raise CheckpointError(
                f"texton model {p} cannot be read ({exc.__class__.__name__}); is it damaged?"
            ) from exc
        if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
            version = meta.get("format_version") if isinstance(meta, dict) else None
            raise CheckpointError(f"texton model {p} has format {version}, not {FORMAT_VERSION}")
        if meta.get("label") != label_definition(perception):
            raise CheckpointError(f"texton model {p} was trained for another distance label; retrain it")
        dictionary, features, log_distances = _checked_arrays(arrays, p)
        estimator = cls(perception, dictionary)
        try:
            estimator.knn.restore(features, log_distances)
        except (ValueError, DroneSSLError) as exc:
            raise CheckpointError(f"texton model {p}: its samples do not fit its dictionary ({exc})") from exc
        return estimator


def _declared_bytes(archive: zipfile.ZipFile, member: str) -> int:
    """What an .npy member says it holds (the zip entry's size and the array header's shape), unread."""
    with archive.open(member) as f:
        version = np.lib.format.read_magic(f)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(f)
    return max(archive.getinfo(member).file_size, math.prod(shape) * dtype.itemsize)


def _checked_arrays(arrays: dict[str, np.ndarray], path: Path) -> tuple[TextonDictionary, np.ndarray, np.ndarray]:
    """The dictionary and the samples, with shapes that agree and finite float values only."""
    shape = arrays["shape"]
    if shape.shape != (2,) or shape.dtype.kind not in "iu":
        raise CheckpointError(f"texton model {path}: 'shape' must hold two integers (patch, grid)")
    patch, grid = (int(v) for v in shape)
    if not (1 <= patch <= 64 and 1 <= grid <= 64):
        raise CheckpointError(f"texton model {path}: patch {patch} / grid {grid} out of range 1..64")
    for name in TEXTON_ARRAYS[:2] + TEXTON_ARRAYS[3:]:
        a = arrays[name]
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)):
            raise CheckpointError(f"texton model {path}: {name} must hold finite floating-point numbers")
    intensity, gradient = arrays["intensity"], arrays["gradient"]
    if (
        intensity.ndim != 2
        or gradient.ndim != 2
        or len(intensity) == 0
        or {intensity.shape[1], gradient.shape[1]} != {patch * patch}
    ):
        raise CheckpointError(f"texton model {path}: textons must be (k, {patch}x{patch}) arrays")
    dictionary = TextonDictionary(intensity, gradient, patch, grid)
    features, log_distances = arrays["features"], arrays["log_distances"]
    if features.ndim != 2 or features.shape[1] != dictionary.size or log_distances.shape != (len(features),):
        raise CheckpointError(f"texton model {path}: samples must be (n, {dictionary.size}) with n distances")
    return dictionary, features, log_distances
