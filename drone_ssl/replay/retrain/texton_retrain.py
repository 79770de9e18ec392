"""Offline texton + kNN retraining from flight logs: a dictionary from a spread of frames, a kNN buffer sampled
evenly from every flight, validation on held-out flights."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
from tqdm import tqdm

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.logs import image_shape, recover_logs
from drone_ssl.replay.models import MODEL_FILES
from drone_ssl.replay.outputs import write_json
from drone_ssl.replay.retrain.dataset import LogSampleDataset, batches, make_loader
from drone_ssl.replay.retrain.retrain_options import VALIDATION_FILE, RetrainOptions, RetrainResult
from drone_ssl.replay.retrain.run_folder import retrain_folder
from drone_ssl.replay.retrain.validation import validate

DICTIONARY_IMAGES = 50  # frames the textons are learned from, drawn evenly from all flights


def _samples(dataset: LogSampleDataset, workers: int) -> Iterator[tuple[np.ndarray, float]]:
    for batch in batches(make_loader(dataset, workers)):
        yield from zip(batch["images"].numpy(), batch["distances"].numpy().tolist(), strict=True)


def _reservoir_slot(seen: int, size: int, rng: np.random.Generator) -> int | None:
    """Where the `seen`-th item (from 0) goes in a uniform reservoir of `size`, or None to leave it out."""
    if seen < size:
        return seen
    slot = int(rng.integers(seen + 1))
    return slot if slot < size else None


def retrain_textons(options: RetrainOptions, perception: PerceptionConfig) -> RetrainResult:
    """Learn the texton dictionary and fill the kNN buffer from the logs' stereo labels; writes
    mono_textons.npz (loadable by fly.py --estimator textons --model) and validation.json into `options.out`."""
    if options.resume:
        raise ReplayError("--resume is for the CNN; texton retraining is two passes over the logs, run it again")
    out = retrain_folder(options.out, MODEL_FILES["textons"], resume=False)
    logs_read = [r.as_dict() for r in recover_logs(options.logs, options.val_logs, options.min_log_frames)]
    shape = image_shape(options.logs[0])
    dataset = LogSampleDataset(options.logs, options.batch_size, shape, shuffle_buffer=1, seed=options.seed)
    rng = np.random.default_rng(options.seed)
    started = time.perf_counter()
    images: list[np.ndarray] = []
    seen = 0
    for image, _ in _samples(dataset, options.workers):
        slot = _reservoir_slot(seen, DICTIONARY_IMAGES, rng)
        if slot == len(images):
            images.append(image)
        elif slot is not None:
            images[slot] = image
        seen += 1
    if not images:
        raise ReplayError("the training logs hold no stereo-labelled frames to learn textons from")
    estimator = TextonKnnEstimator(perception)
    estimator.learn_dictionary(images)
    size = perception.textons.buffer_size
    features = np.zeros((min(size, seen), estimator.dictionary.size), np.float32)
    distances = np.zeros(len(features))
    bar = tqdm(total=seen, unit="frame", desc="textons", disable=not options.progress, mininterval=0.5)
    for count, (image, distance) in enumerate(_samples(dataset, options.workers)):
        slot = _reservoir_slot(count, size, rng)
        if slot is not None:  # features only for the frames the buffer keeps
            features[slot], distances[slot] = estimator.features(image), distance
        bar.update(1)
    bar.close()
    estimator.add_features(features, distances)
    estimator.retrain()
    train_seconds = time.perf_counter() - started
    figures = validate(estimator, options.val_logs, perception.avoid_distance_m, options.target_tpr)
    history = [{"step": 0, "epoch": 1, "samples": seen, "buffer": len(features), **figures}]
    model = out / MODEL_FILES["textons"]
    estimator.save(model)
    logs = [str(p.resolve()) for p in options.logs]
    val_logs = [str(p.resolve()) for p in options.val_logs]
    write_json(out / VALIDATION_FILE, {"logs": logs, "val_logs": val_logs, "logs_read": logs_read, "history": history})
    return RetrainResult(
        model=model, steps=0, epochs_done=1, samples=seen, train_seconds=train_seconds, processes=1,
        threads=1, workers=options.workers, resumed_from_step=0, history=history, logs_read=logs_read,
    )  # fmt: skip
