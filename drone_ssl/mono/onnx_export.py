"""Export a MonoDepthNet to ONNX bytes and open them as an onnxruntime session."""

from __future__ import annotations

import copy
import io
import warnings

import onnxruntime as ort
import torch

from drone_ssl.mono.checkpoint import CheckpointError
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
