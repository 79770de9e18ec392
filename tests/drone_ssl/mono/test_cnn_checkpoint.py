"""Checkpoints: weights and metadata round-trip without pickle; every mismatch is a clear CheckpointError."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from drone_ssl.mono import CheckpointError, CnnEstimator, CnnTrainer, load_checkpoint
from drone_ssl.mono.checkpoint import FORMAT_VERSION
from drone_ssl_app.config import load_config

PERCEPTION = load_config().perception


@pytest.fixture(scope="module")
def saved(tmp_path_factory, walls):
    images, distances = walls(8, seed=3)
    trainer = CnnTrainer(PERCEPTION, 128, 96, seed=2)
    trainer.step(images, distances)
    path = tmp_path_factory.mktemp("ckpt") / "mono.pt"
    trainer.save(path)
    return path, trainer, images


def test_round_trip_keeps_weights_and_metadata(saved) -> None:
    path, trainer, images = saved
    model, metadata = load_checkpoint(path)
    with torch.no_grad():
        ours = model(torch.from_numpy(images).float()[:, None])[0].numpy()
    np.testing.assert_allclose(ours, trainer.predict_log_distance(images), atol=1e-6)
    assert metadata.format_version == FORMAT_VERSION
    assert (metadata.input_width, metadata.input_height) == (128, 96)
    assert metadata.normalisation == {"mode": "per_image", "min_std": 4.0}
    assert metadata.stem_px == 4
    assert metadata.label["nearest_fraction"] == PERCEPTION.stereo.nearest_fraction
    assert metadata.training["steps"] == 1 and metadata.training["samples"] == 8


def test_trainer_and_estimator_resume_from_a_checkpoint(saved) -> None:
    path, trainer, images = saved
    resumed = CnnTrainer.from_checkpoint(path, PERCEPTION, 128, 96)
    assert resumed.stats["steps"] == 1
    estimator = CnnEstimator.from_checkpoint(path, PERCEPTION, 128, 96)
    expected = float(np.exp(trainer.predict_log_distance(images[:1])[0]))
    assert estimator.predict(images[0]).distance_m == pytest.approx(expected, rel=1e-4)


def test_camera_size_mismatch(saved) -> None:
    with pytest.raises(CheckpointError, match="expects 128x96 images but the camera gives 320x240"):
        CnnEstimator.from_checkpoint(saved[0], PERCEPTION, 320, 240)


def test_label_definition_mismatch(saved) -> None:
    other = dataclasses.replace(PERCEPTION, stereo=dataclasses.replace(PERCEPTION.stereo, nearest_fraction=0.2))
    with pytest.raises(CheckpointError, match="another distance label.*nearest_fraction"):
        CnnTrainer.from_checkpoint(saved[0], other, 128, 96)


def test_format_version_mismatch(saved, tmp_path) -> None:
    payload = torch.load(saved[0], weights_only=True)
    payload["format_version"] = 99
    torch.save(payload, tmp_path / "future.pt")
    with pytest.raises(CheckpointError, match="format version 99"):
        load_checkpoint(tmp_path / "future.pt")


def test_weights_that_do_not_fit_the_architecture(saved, tmp_path) -> None:
    payload = torch.load(saved[0], weights_only=True)
    payload["metadata"]["channels"] = [8, 16, 24, 64]
    torch.save(payload, tmp_path / "wrong.pt")
    with pytest.raises(CheckpointError, match="do not fit"):
        load_checkpoint(tmp_path / "wrong.pt")


class Sneaky:
    """Anything that needs pickle to load."""


def test_pickled_objects_are_refused(tmp_path) -> None:
    torch.save({"format_version": 1, "metadata": Sneaky(), "state_dict": {}}, tmp_path / "evil.pt")
    with pytest.raises(CheckpointError, match="cannot be read safely"):
        load_checkpoint(tmp_path / "evil.pt")


def test_missing_and_garbage_files(tmp_path) -> None:
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "none.pt")
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="cannot be read"):
        load_checkpoint(tmp_path / "junk.pt")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not a drone_ssl checkpoint"):
        load_checkpoint(tmp_path / "foreign.pt")


def _tampered(saved, tmp_path, name: str, change) -> object:
    payload = torch.load(saved[0], weights_only=True)
    change(payload)
    torch.save(payload, tmp_path / name)
    return tmp_path / name


def test_nan_and_integer_weights_are_refused(saved, tmp_path) -> None:
    def all_nan(payload: dict) -> None:
        payload["state_dict"] = {
            k: torch.full_like(v, float("nan")) if v.is_floating_point() else v
            for k, v in payload["state_dict"].items()
        }

    with pytest.raises(CheckpointError, match="holds NaN or infinite values"):
        load_checkpoint(_tampered(saved, tmp_path, "nan.pt", all_nan))

    def integers(payload: dict) -> None:
        payload["state_dict"] = {k: v.to(torch.int32) for k, v in payload["state_dict"].items()}  # counters too

    with pytest.raises(CheckpointError, match="not floating point"):
        load_checkpoint(_tampered(saved, tmp_path, "int.pt", integers))


def test_outputs_that_overflow_on_the_probe_image_are_refused(saved, tmp_path) -> None:
    def huge(payload: dict) -> None:  # finite weights whose products overflow float32
        payload["state_dict"] = {
            k: torch.full_like(v, 3e38) if v.is_floating_point() else v for k, v in payload["state_dict"].items()
        }

    with pytest.raises(CheckpointError, match="outputs NaN or infinite numbers on a probe image"):
        load_checkpoint(_tampered(saved, tmp_path, "huge.pt", huge))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("channels", [10**6, 10**6, 10**6], "stage widths must be 1..1024"),
        ("channels", [8] * 40, "channels must list 2..8"),
        ("channels", "8,16", "channels must list"),
        ("channels", [8.5, 16], "must be integers"),
        ("input_width", 10**9, "outside 8..4096"),
        ("channels", [1024] * 8, "parameters"),
    ],
)
def test_metadata_sizes_are_bounded_before_anything_is_allocated(saved, tmp_path, key, value, message) -> None:
    def change(payload: dict) -> None:
        payload["metadata"][key] = value

    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(_tampered(saved, tmp_path, "big.pt", change))


def test_new_weights_that_output_nan_are_never_swapped_in(saved) -> None:
    """Online training that diverges publishes NaN weights: the estimator keeps flying the last good model."""
    from drone_ssl.mono.onnx_export import export_onnx

    path, trainer, images = saved
    estimator = CnnEstimator.from_checkpoint(path, PERCEPTION, 128, 96)
    model, metadata = load_checkpoint(path)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float("nan"))
    future = estimator.swap(export_onnx(model), metadata)
    with pytest.raises(CheckpointError, match="NaN or infinite"):
        future.result(timeout=30)
    assert estimator.version == 0 and estimator.predict(images[0]).distance_m is not None
    estimator.close()


def test_a_full_disk_is_a_save_error_not_torchs_runtime_error(saved, tmp_path, monkeypatch) -> None:
    """torch.save straight into a file on a full disk raised its own RuntimeError and left a 0-byte file."""
    import errno

    import drone_ssl.atomic_file as atomic_file
    from drone_ssl.errors import SaveError

    _, trainer, _ = saved

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_file.os, "fsync", full)
    with pytest.raises(SaveError, match="mono_cnn.pt: No space left on device"):
        trainer.save(tmp_path / "mono_cnn.pt")
    assert list(tmp_path.iterdir()) == []


def test_a_file_past_the_largest_network_is_refused_before_torch_reads_it(tmp_path, monkeypatch) -> None:
    import drone_ssl.mono.checkpoint as checkpoint

    big = tmp_path / "big.pt"
    big.write_bytes(bytes(1024))
    monkeypatch.setattr(checkpoint, "MAX_CHECKPOINT_BYTES", 512)
    monkeypatch.setattr(checkpoint.torch, "load", lambda *a, **k: pytest.fail("torch.load was called"))
    with pytest.raises(CheckpointError, match="is larger than 0 MiB"):
        load_checkpoint(big)
