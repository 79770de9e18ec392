"""Train the default monocular CNN shipped in models/ from stereo labels in randomised simulated rooms."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from drone_ssl.cli import add_config_args, config_from_args, main_guard  # noqa: E402

DEFAULT_OUT = Path("models/mono_cnn_default.pt")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=16, help="training rooms (seeds 100, 101, …)")
    parser.add_argument("--test-rooms", type=int, default=4, help="unseen rooms for the test figures (seeds 900, …)")
    parser.add_argument("--frames", type=int, default=4000, help="training frames over all rooms")
    parser.add_argument("--test-frames", type=int, default=600)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"checkpoint path (default {DEFAULT_OUT})")
    add_config_args(parser)
    args = parser.parse_args()
    for name in ("rooms", "test_rooms", "frames", "test_frames", "epochs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    from sim.default_model import TrainingPlan, train_default_model

    # Random start poses spread the views; every room also draws its own textures, lighting and layout.
    config = config_from_args(args, ["sim.start.randomise=true"])
    plan = TrainingPlan(
        train_seeds=list(range(100, 100 + args.rooms)),
        test_seeds=list(range(900, 900 + args.test_rooms)),
        train_frames=args.frames,
        test_frames=args.test_frames,
        epochs=args.epochs,
    )
    command = "python scripts/train_default_model.py " + shlex.join(sys.argv[1:])
    metadata = train_default_model(
        config, plan, args.out, command.strip(), lambda s: print(f"... {s}", file=sys.stderr)
    )
    from drone_ssl.mono.onnx_export import export_checkpoint

    onnx_path = export_checkpoint(args.out)  # deployments take ONNX: ship it beside the checkpoint
    print(json.dumps(metadata["test_accuracy"], indent=2, default=float))
    print(f"model: {args.out} (metadata {args.out.with_suffix('.json')}, ONNX {onnx_path})")
    return 0


if __name__ == "__main__":
    main_guard(main)
