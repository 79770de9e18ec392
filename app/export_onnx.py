"""Export a CNN checkpoint (.pt) to a standalone ONNX file with its units in the metadata: `export_onnx.py CKPT`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drone_ssl_app.cli import command, model_path


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("checkpoint", type=model_path, nargs="?", default="default",
                        help="a drone_ssl .pt file (default: the shipped model)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="ONNX path (default: the checkpoint's, ending .onnx)")
    args = parser.parse_args(argv)
    from drone_ssl.mono.onnx_export import export_checkpoint

    out = args.out
    if out is None and args.checkpoint == model_path("default"):  # never write into the installed package
        out = Path(args.checkpoint.with_suffix(".onnx").name)
    path = export_checkpoint(args.checkpoint, out)
    print(f"ONNX model: {path} (outputs in natural log of metres; see its metadata_props)")
    return 0


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
