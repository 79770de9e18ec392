"""`CnnEstimator`: MonoDepthNet inference on onnxruntime, with non-blocking hot swap of new weights."""

from __future__ import annotations

import math
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.mono.checkpoint import CheckpointError, CnnMetadata, load_fitting_checkpoint, probe_image
from drone_ssl.mono.onnx_export import INPUT_NAME, export_onnx, open_session, read_onnx
from drone_ssl.mono.reading import MonoReading
from drone_ssl.vision.distance_labels import central_region
from drone_ssl.vision.image_input import ImageInputError, as_gray_u8, is_featureless


@dataclass(frozen=True)
class _Loaded:
    session: ort.InferenceSession
    metadata: CnnMetadata
    version: int


def checked_session(onnx_bytes: bytes, metadata: CnnMetadata, threads: int) -> ort.InferenceSession:
    """Open the model and run it once on the probe image; raises CheckpointError if any output is not finite."""
    session = open_session(onnx_bytes, threads)
    probe = probe_image(metadata.input_width, metadata.input_height).numpy()
    if not all(np.all(np.isfinite(output)) for output in session.run(None, {INPUT_NAME: probe})):
        raise CheckpointError("the model outputs NaN or infinite numbers on a probe image; it is not used")
    return session


class CnnEstimator:
    """Implements `MonoEstimator` with an ONNX model.

    `swap()` builds the new session on a worker thread and then replaces one reference, so `predict()` never
    waits for a swap and always runs one consistent model (the old one until the new one is ready).
    """

    def __init__(self, onnx_bytes: bytes, metadata: CnnMetadata, perception: PerceptionConfig) -> None:
        self.perception = perception
        metadata.check_compatible(metadata.input_width, metadata.input_height, perception)
        self._active = _Loaded(checked_session(onnx_bytes, metadata, perception.cnn.threads), metadata, 0)
        self._swap_lock = threading.Lock()  # orders concurrent swaps; predict() never takes it
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cnn-swap")

    @classmethod
    def from_checkpoint(cls, path: str | Path, perception: PerceptionConfig, width: int, height: int) -> CnnEstimator:
        """Load, check against the camera size and label definition, export and open; raises CheckpointError."""
        model, metadata = load_fitting_checkpoint(path, perception, width, height)
        return cls(export_onnx(model), metadata, perception)

    @classmethod
    def from_onnx(cls, path: str | Path, perception: PerceptionConfig, width: int, height: int) -> CnnEstimator:
        """The network of an exported .onnx file, checked against width x height images and the label as a
        checkpoint is (CheckpointError on a mismatch)."""
        onnx_bytes, metadata = read_onnx(path)
        metadata.check_compatible(width, height, perception)
        return cls(onnx_bytes, metadata, perception)

    @property
    def version(self) -> int:
        """Number of swaps applied so far (0 for the initial model)."""
        return self._active.version

    @property
    def metadata(self) -> CnnMetadata:
        return self._active.metadata

    def swap(self, onnx_bytes: bytes, metadata: CnnMetadata | None = None) -> Future:
        """Start loading new weights in the background; the returned future completes once they are in use
        (or carries the CheckpointError, leaving the current model in place)."""
        return self._pool.submit(self._load, onnx_bytes, metadata)

    def _load(self, onnx_bytes: bytes, metadata: CnnMetadata | None) -> None:
        metadata = metadata or self._active.metadata
        metadata.check_compatible(
            self._active.metadata.input_width, self._active.metadata.input_height, self.perception
        )
        session = checked_session(onnx_bytes, metadata, self.perception.cnn.threads)  # NaN weights never swap in
        with self._swap_lock:
            self._active = _Loaded(session, metadata, self._active.version + 1)

    def infer(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Raw outputs (log distance, log scale, log depth) for a (B, H, W) uint8 batch."""
        active = self._active
        size = (active.metadata.input_height, active.metadata.input_width)
        if not isinstance(images, np.ndarray) or images.dtype != np.uint8 or images.shape[1:] != size:
            raise ImageInputError(
                f"expected a (B, {size[0]}, {size[1]}) uint8 batch, got {getattr(images, 'shape', images)}"
            )
        x = np.ascontiguousarray(images, dtype=np.float32)[:, None]
        log_distance, log_scale, log_depth = active.session.run(None, {INPUT_NAME: x})
        return log_distance, log_scale, log_depth

    def predict(self, left: np.ndarray) -> MonoReading:
        """Nearest-obstacle distance, coarse depth and column profile from the left image."""
        meta = self._active.metadata
        image = as_gray_u8(left, "left image", (meta.input_width, meta.input_height))
        if is_featureless(image, self.perception.cnn.min_contrast):
            return MonoReading(distance_m=None, confidence=0.0)
        log_distance, log_scale, log_depth = self.infer(image[None])
        lo, hi = self.perception.min_distance_m, self.perception.max_distance_m
        distance = float(np.clip(math.exp(float(log_distance[0])), lo, hi))
        confidence = math.exp(-math.exp(float(np.clip(log_scale[0], -10, 5))))
        depth = np.clip(np.exp(log_depth[0]), lo, hi).astype(np.float32)
        rows, _ = central_region(depth.shape, 1.0, self.perception.stereo.roi_height)
        profile = column_profile(depth[rows].min(axis=0), self.perception.stereo.profile_columns)
        return MonoReading(distance_m=distance, confidence=confidence, depth_m=depth, profile_m=profile)

    def close(self) -> None:
        """Finish any pending swap and stop the worker thread."""
        self._pool.shutdown(wait=True)


def column_profile(columns: np.ndarray, bands: int) -> np.ndarray:
    """The nearest distance in each of `bands` equal column bands, as many as stereo's profile has: a coarse map
    with fewer columns repeats each column over the bands it covers."""
    edges = np.linspace(0, columns.size, bands + 1)
    lo = np.minimum(np.floor(edges[:-1]).astype(int), columns.size - 1)
    hi = np.maximum(np.ceil(edges[1:]).astype(int), lo + 1)
    return np.array([columns[a:b].min() for a, b in zip(lo, hi, strict=True)], dtype=np.float32)
