"""Train the default monocular CNN shipped in models/ from stereo labels in randomised simulated rooms."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from drone_ssl_app.cli import add_config_args, command, config_from_args, out_file

DEFAULT_OUT = Path("models")
MODEL_FILE = "mono_cnn_default.pt"


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--rooms", type=int, default=16, help="training rooms (seeds 100, 101, …)")
    parser.add_argument("--test-rooms", type=int, default=4, help="unseen rooms for the test figures (seeds 900, …)")
    parser.add_argument("--frames", type=int, default=4000, help="training frames over all rooms")
    parser.add_argument("--test-frames", type=int, default=600, help="test frames over the unseen rooms")
    parser.add_argument("--epochs", type=int, default=60, help="passes over the training frames (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="training data order and initial weights (default 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"folder for {MODEL_FILE} and its .json (default {DEFAULT_OUT}/)")  # fmt: skip
    add_config_args(parser)
    args = parser.parse_args(argv)
    model_path = out_file(args.out, MODEL_FILE, (".pt",))
    for name in ("rooms", "test_rooms", "frames", "test_frames", "epochs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    from drone_ssl_lab.training.default_model import TrainingPlan, train_default_model

    # Random start poses spread the views; every room also draws its own textures, lighting and layout.
    config = config_from_args(args, ["sim.start.randomise=true"])
    plan = TrainingPlan(
        train_seeds=list(range(100, 100 + args.rooms)),
        test_seeds=list(range(900, 900 + args.test_rooms)),
        train_frames=args.frames,
        test_frames=args.test_frames,
        epochs=args.epochs,
        seed=args.seed,
    )
    how_run = "drone-ssl train-default-model " + shlex.join(sys.argv[1:] if argv is None else argv)
    metadata = train_default_model(
        config, plan, model_path, how_run.strip(), lambda s: print(f"... {s}", file=sys.stderr)
    )
    from drone_ssl.mono.onnx_export import export_checkpoint

    onnx_path = export_checkpoint(model_path)  # deployments take ONNX: ship it beside the checkpoint
    print(json.dumps(metadata["test_accuracy"], indent=2, default=float))
    print(f"model: {model_path} (metadata {model_path.with_suffix('.json')}, ONNX {onnx_path})")
    return 0


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
