"""Exporting a checkpoint to a standalone ONNX file: same outputs as torch, units in the metadata, and the
shipped default model's .onnx is the export of its .pt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from drone_ssl.mono import CheckpointError, CnnTrainer
from drone_ssl.mono.onnx_export import INPUT_NAME, export_checkpoint, open_session
from drone_ssl_app.config import load_config

ROOT = Path(__file__).resolve().parents[3]
PERCEPTION = load_config().perception


def test_exported_file_runs_like_torch_and_names_its_units(tmp_path) -> None:
    trainer = CnnTrainer(PERCEPTION, 128, 96, seed=3)
    trainer.save(tmp_path / "model.pt")
    path = export_checkpoint(tmp_path / "model.pt")
    assert path == tmp_path / "model.onnx"
    images = np.random.default_rng(0).uniform(0, 255, (3, 1, 96, 128)).astype(np.float32)
    log_distance, _, log_depth = open_session(path.read_bytes()).run(None, {INPUT_NAME: images})
    with torch.no_grad():
        expected = trainer.model.eval()(torch.from_numpy(images))
    np.testing.assert_allclose(log_distance, expected[0].numpy(), atol=1e-4)
    np.testing.assert_allclose(log_depth, expected[2].numpy(), atol=1e-4)
    props = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    assert props["distance_unit"] == "m" and props["log_base"] == "e"
    assert "exp(log_distance)" in props["log_distance"]
    assert json.loads(props["drone_ssl_metadata"])["input_width"] == 128


def test_a_missing_checkpoint_is_a_typed_error(tmp_path) -> None:
    with pytest.raises(CheckpointError, match="does not exist"):
        export_checkpoint(tmp_path / "nothing.pt")


def test_the_shipped_onnx_is_the_export_of_the_shipped_checkpoint(tmp_path) -> None:
    out = tmp_path / "default.onnx"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/export_onnx.py"),
            str(ROOT / "models/mono_cnn_default.pt"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    images = np.random.default_rng(1).uniform(0, 255, (2, 1, 96, 128)).astype(np.float32)
    fresh = open_session(out.read_bytes()).run(None, {INPUT_NAME: images})
    shipped_path = ROOT / "models/mono_cnn_default.onnx"
    shipped = open_session(shipped_path.read_bytes()).run(None, {INPUT_NAME: images})
    for a, b in zip(fresh, shipped, strict=True):  # a retrained .pt needs `scripts/export_onnx.py` run again
        np.testing.assert_allclose(a, b, atol=1e-5)
    props = {p.key: p.value for p in onnx.load(str(shipped_path)).metadata_props}
    assert props == {p.key: p.value for p in onnx.load(str(out)).metadata_props}
