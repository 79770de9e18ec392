"""The shipped default mono models (weights, ONNX export and metadata), as package data any install carries."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DEFAULT_NAME = "mono_cnn_default"
SUFFIXES = (".pt", ".onnx")


def shipped_model(suffix: str = ".pt") -> Path:
    """The shipped default model file of this kind (`.pt` checkpoint or `.onnx` export)."""
    if suffix not in SUFFIXES:
        raise ValueError(f"the shipped model comes as {' or '.join(SUFFIXES)}, not {suffix!r}")
    return Path(str(files(__name__) / f"{DEFAULT_NAME}{suffix}"))
