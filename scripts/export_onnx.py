"""Export a CNN checkpoint (.pt) to a standalone ONNX file with its units in the metadata: `export_onnx.py CKPT`."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import main_guard

DEFAULT_CHECKPOINT = Path("models/mono_cnn_default.pt")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkpoint", type=Path, nargs="?", default=DEFAULT_CHECKPOINT, help="a drone_ssl .pt file")
    parser.add_argument("--out", type=Path, help="ONNX path (default: the checkpoint's, ending .onnx)")
    args = parser.parse_args()
    from drone_ssl.mono.onnx_export import export_checkpoint

    path = export_checkpoint(args.checkpoint, args.out)
    print(f"ONNX model: {path} (outputs in natural log of metres; see its metadata_props)")
    return 0


if __name__ == "__main__":
    main_guard(main)
