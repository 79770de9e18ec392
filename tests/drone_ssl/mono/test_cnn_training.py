"""CnnTrainer: the loss falls on a small set; batches are checked; depth targets are masked correctly."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from drone_ssl.mono import CnnTrainer
from drone_ssl.mono.cnn_batch import make_batch
from drone_ssl.stereo import ImageInputError
from drone_ssl_app.config import load_config

PERCEPTION = load_config().perception


def test_loss_falls_on_a_small_set(walls) -> None:
    torch.set_num_threads(1)
    images, distances = walls(16, seed=1)
    depth = np.repeat(distances[:, None, None], 96 * 128).reshape(16, 96, 128).astype(np.float32)
    depth[:, :, :20] = np.nan  # stereo sees nothing at the left edge
    trainer = CnnTrainer(PERCEPTION, 128, 96, seed=0)

    def errors() -> tuple[float, float]:
        trainer.step(images, distances, depth, augment_batch=False)
        return trainer.stats["last_distance_l1"], trainer.stats["last_depth_l1"]

    first = errors()
    for _ in range(100):  # batch norm's running statistics need a few dozen steps beyond the training loss
        trainer.step(images, distances, depth)
    last = errors()
    # Measured last / first on an AVX-512 Xeon, wall set 1 with trainer seeds 0-2 under torch's own kernels there
    # (AVX512), ATEN_CPU_CAPABILITY=avx2 (bit for bit the AVX512 figures), =default, and ONEDNN_MAX_CPU_ISA=AVX2
    # MKL_ENABLE_INSTRUCTIONS=AVX2, plus trainer seeds 3-4 and wall sets 2-5 on AVX512, wall set 4 on all:
    # distance 0.075-0.44 (the 0.44: seed 2 on the portable kernels; this test's seed 0: 0.15-0.22), depth 0.11-0.30.
    assert last[0] < 0.7 * first[0] and last[1] < 0.65 * first[1], (last, first)
    predicted = np.exp(trainer.predict_log_distance(images))
    # Median |log error| on this set, same runs: 0.046-0.164 (seed 0: 0.07-0.14); always answering the median
    # distance scores 0.44 here. (Other wall sets learn differently: set 4 reaches 0.39 on AVX512, 0.09 elsewhere.)
    assert np.median(np.abs(np.log(predicted / distances))) < 0.3
    assert trainer.stats["steps"] == 102 and trainer.stats["samples"] == 102 * 16


def test_a_batch_without_any_label_changes_nothing(walls) -> None:
    images, _ = walls(4)
    trainer = CnnTrainer(PERCEPTION, 128, 96)
    before = [p.detach().clone() for p in trainer.model.parameters()]
    assert math.isnan(trainer.step(images, np.full(4, np.nan), np.full((4, 96, 128), np.nan, np.float32)))
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.model.parameters(), strict=True))
    assert trainer.stats["steps"] == 0


def test_distance_labels_alone_are_enough(walls) -> None:
    images, distances = walls(8)
    assert math.isfinite(CnnTrainer(PERCEPTION, 128, 96).step(images, distances))


@pytest.mark.parametrize(
    ("images", "distances", "words"),
    [
        (np.zeros((4, 96, 128), np.float32), np.ones(4), "uint8"),
        (np.zeros((4, 96, 120), np.uint8), np.ones(4), "128x96"),
        (np.zeros((4, 96, 128), np.uint8), np.ones(3), "4 distances"),
    ],
)
def test_bad_batches_are_typed_errors(images, distances, words: str) -> None:
    with pytest.raises(ImageInputError, match=words):
        CnnTrainer(PERCEPTION, 128, 96).step(images, distances)


def test_depth_targets_use_only_known_pixels() -> None:
    images = np.zeros((1, 16, 16), np.uint8)
    depth = np.full((1, 16, 16), 2.0, np.float32)
    depth[0, :8, :8] = np.nan  # one cell unknown
    depth[0, :8, 8:] = np.inf  # one cell at infinity: the far limit
    depth[0, 8:, :8][::2] = np.nan  # half known: still counts with min_valid 0.25
    depth[0, 8:, :8][1::4] = -1.0  # and a quarter of it nonsense: 1/4 of the cell left, still enough
    batch = make_batch(images, np.array([np.nan]), depth, (2, 2), (0.1, 8.0), 0.25)
    np.testing.assert_array_equal(batch.depth_weight[0].numpy(), [[0, 1], [1, 1]])
    np.testing.assert_allclose(batch.log_depth[0].numpy(), [[0, np.log(8)], [np.log(2), np.log(2)]], rtol=1e-6)
    assert not batch.has_distance[0]


def test_wrong_camera_size_for_the_network_is_a_config_error() -> None:
    from drone_ssl.errors import ConfigError

    with pytest.raises(ConfigError, match="must be a multiple of 16"):
        CnnTrainer(PERCEPTION, 120, 90)


def test_flip_mirrors_image_and_depth_target_together() -> None:
    from drone_ssl.config.perception import AugmentConfig
    from drone_ssl.mono.cnn_batch import augment

    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (16, 16, 32), dtype=np.uint8)
    depth = np.tile(np.linspace(1.0, 4.0, 32, dtype=np.float32), (16, 16, 1))  # far on the right
    batch = make_batch(images, np.full(16, 2.0), depth, (2, 4), (0.1, 8.0), 0.25)
    out = augment(
        batch, AugmentConfig(brightness=0.0, contrast=0.0, noise_std=0.0, flip=True, zoom=1.0), torch.Generator()
    )
    flipped = 0
    for i in range(16):
        mirrored = torch.equal(out.images[i], batch.images[i].flip(-1))
        assert mirrored or torch.equal(out.images[i], batch.images[i])
        expected = batch.log_depth[i].flip(-1) if mirrored else batch.log_depth[i]
        assert torch.equal(out.log_depth[i], expected)
        flipped += mirrored
    assert 0 < flipped < 16
    assert torch.equal(out.log_distance, batch.log_distance)  # the centred label does not change


def test_zoom_shrinks_distance_and_depth_by_the_zoom() -> None:
    from drone_ssl.config.perception import AugmentConfig
    from drone_ssl.mono.cnn_batch import augment

    images = np.zeros((64, 32, 64), np.uint8)
    images[:, 12:20, 24:40] = 200  # a bright block in the centre: zoomed in, it grows about the centre
    depth = np.full((64, 32, 64), 2.0, np.float32)
    batch = make_batch(images, np.full(64, 2.0), depth, (4, 8), (0.1, 8.0), 0.25)
    only_zoom = AugmentConfig(brightness=0.0, contrast=0.0, noise_std=0.0, flip=False, zoom=1.5)
    out = augment(batch, only_zoom, torch.Generator().manual_seed(0))
    zoom = torch.exp(batch.log_distance - out.log_distance)  # the distance shrinks by the zoom
    assert float(zoom.min()) == pytest.approx(1.0) and 1.2 < float(zoom.max()) <= 1.5
    assert 10 < int((zoom > 1.01).sum()) < 54  # about half the batch is zoomed
    for i in range(64):
        bright = float((out.images[i, 0] > 100).float().sum())
        assert bright == pytest.approx(8 * 16 * float(zoom[i]) ** 2, rel=0.2)  # the block grew with the zoom
        kept = out.depth_weight[i] > 0
        assert bool(kept.any())
        torch.testing.assert_close(
            out.log_depth[i][kept], torch.full_like(out.log_depth[i][kept], np.log(2.0 / float(zoom[i])))
        )
