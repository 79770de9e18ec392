"""Export a MonoDepthNet to ONNX (bytes, or a deployable file with its units) and open it with onnxruntime."""

from __future__ import annotations

import copy
import io
import json
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

from drone_ssl.mono.checkpoint import MAX_CHECKPOINT_BYTES, CheckpointError, CnnMetadata, load_checkpoint
from drone_ssl.mono.cnn_model import MonoDepthNet

INPUT_NAME = "image"
OUTPUT_NAMES = ("log_distance", "log_scale", "log_depth")
OPSET = 17


def export_onnx(model: MonoDepthNet) -> bytes:
    """The model as an ONNX graph with a dynamic batch axis; the caller's model is left untouched."""
    snapshot = copy.deepcopy(model).cpu().eval()
    example = torch.zeros(1, 1, model.height, model.width)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated but needs no extra packages and handles this plain graph.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            snapshot,
            (example,),
            buffer,
            dynamo=False,
            input_names=[INPUT_NAME],
            output_names=list(OUTPUT_NAMES),
            dynamic_axes={name: {0: "batch"} for name in (INPUT_NAME, *OUTPUT_NAMES)},
            opset_version=OPSET,
        )
    return buffer.getvalue()


def open_session(onnx_bytes: bytes, threads: int = 1) -> ort.InferenceSession:
    """A CPU inference session limited to `threads` so inference never competes with training for all cores."""
    ort.disable_telemetry_events()  # besides ORT_DISABLE_TELEMETRY (drone_ssl/__init__): nothing leaves the host
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for bad graphs
        raise CheckpointError(f"the ONNX model cannot be loaded ({exc.__class__.__name__}); export it again") from exc


def deployment_metadata(metadata: CnnMetadata) -> dict[str, str]:
    """ONNX metadata_props that let a deployment read the outputs without our code: units, log base, input."""
    lo, hi = metadata.label.get("min_distance_m"), metadata.label.get("max_distance_m")
    return {
        "input": f"{INPUT_NAME}: float32 (batch, 1, {metadata.input_height}, {metadata.input_width}), raw grey "
        "levels 0..255 of the left camera (normalisation is inside the graph)",
        "log_distance": "natural log of the nearest-obstacle distance ahead in metres: distance_m = exp(log_distance)"
        f", clip to [{lo}, {hi}] m",
        "log_scale": "natural log of the expected absolute log-distance error (Laplace scale); "
        "confidence = exp(-exp(log_scale))",
        "log_depth": "natural log of depth in metres on a coarse grid over the image (batch, rows, cols)",
        "distance_unit": "m",
        "log_base": "e",
        "drone_ssl_metadata": json.dumps(metadata.to_dict(), sort_keys=True),
    }


def read_onnx(path: str | Path) -> tuple[bytes, CnnMetadata]:
    """A file `export_checkpoint` wrote: its graph bytes and the CnnMetadata in its metadata_props (so it is
    checked and interpreted exactly like the .pt); CheckpointError naming what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"ONNX model {p} does not exist")
    if p.stat().st_size > MAX_CHECKPOINT_BYTES:
        raise CheckpointError(f"ONNX model {p} is larger than {MAX_CHECKPOINT_BYTES // 2**20} MiB; is it ours?")
    data = p.read_bytes()
    try:
        props = {prop.key: prop.value for prop in onnx.load_from_string(data).metadata_props}
    except Exception as exc:  # onnx raises protobuf's DecodeError and its own types: all mean "not an ONNX file"
        raise CheckpointError(f"{p} is not an ONNX model ({type(exc).__name__})") from exc
    if "drone_ssl_metadata" not in props:
        raise CheckpointError(f"ONNX model {p} lacks drone_ssl_metadata; export it with drone-ssl export-onnx")
    try:
        metadata = CnnMetadata(**json.loads(props["drone_ssl_metadata"]))
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"ONNX model {p} has malformed drone_ssl_metadata: {exc}") from exc
    return data, metadata


def export_checkpoint(checkpoint: str | Path, out: str | Path | None = None) -> Path:
    """Write a checkpoint's network as a standalone ONNX file (beside it unless `out`), with its units in the
    metadata; checks that onnxruntime reproduces torch's outputs before it writes. Returns the path written."""
    model, metadata = load_checkpoint(checkpoint)
    graph = onnx.load_from_string(export_onnx(model))
    for key, value in deployment_metadata(metadata).items():
        graph.metadata_props.add(key=key, value=value)
    data = graph.SerializeToString()
    example = torch.from_numpy(np.random.default_rng(0).uniform(0, 255, (2, 1, model.height, model.width)))
    with torch.no_grad():
        expected = [t.numpy() for t in model.eval()(example.float())]
    got = open_session(data).run(None, {INPUT_NAME: example.float().numpy()})
    for name, a, b in zip(OUTPUT_NAMES, expected, got, strict=True):
        if not np.allclose(a, b, rtol=1e-3, atol=1e-4):
            raise CheckpointError(f"the ONNX graph's {name} differs from torch's by {np.max(np.abs(a - b)):.3g}")
    path = Path(out) if out is not None else Path(checkpoint).with_suffix(".onnx")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
