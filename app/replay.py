"""Replay logged flights: retrain a mono model offline, evaluate one open-loop, draw a flight, export a dataset.

replay.py LOG... --retrain [--estimator cnn|textons] --out DIR [--val LOG...] [--resume]
torchrun --nproc_per_node=2 scripts/replay.py LOG... --retrain --out DIR     (DDP: gloo on CPU, nccl on CUDA)
replay.py LOG... --evaluate --model PATH [--out DIR]
replay.py LOG --report [--out DIR]
replay.py LOG... --export --out DIR
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drone_ssl.config.loader import MAX_SEED
from drone_ssl.flight_report import summary_table
from drone_ssl.replay import (
    ReplayError,
    RetrainOptions,
    check_logs,
    cleanup,
    close_estimator,
    export_dataset,
    fresh_folder,
    image_shape,
    launched_by_torchrun,
    load_estimator,
    retrain_cnn,
    retrain_textons,
    setup_distributed,
    split_validation,
    write_csv,
    write_json,
    write_report,
)
from drone_ssl.replay.evaluate.open_loop_evaluation import evaluate
from drone_ssl.replay.logs import MIN_LOG_FRAMES
from drone_ssl_app.cli import add_config_args, add_model, command, config_from_args
from drone_ssl_app.config import Config


def parse_args(argv: list[str] | None = None, prog: str | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("logs", nargs="+", type=Path, metavar="LOG", help="flight.mcap files")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--retrain", action="store_true", help="train a mono model on the logs' stereo labels")
    mode.add_argument("--evaluate", action="store_true", help="run --model open-loop over the logs")
    mode.add_argument("--report", action="store_true", help="plots and summary.md of one flight")
    # `--export DIR` was the older spelling: still taken, with a note, as `--export --out DIR`.
    mode.add_argument("--export", nargs="?", const=True, type=Path, metavar="",
                      help="write the labelled frames as PNG, CSV and npz into --out")  # fmt: skip
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="retrain: the run folder (required); report: default <log>_report beside the log; "
        "evaluate: where to write evaluation.json and changed_decisions.csv; export: the dataset folder (required)",
    )
    add_model(parser, "evaluate: the model; retrain: start from it")
    train = parser.add_argument_group("retraining (--retrain)")
    train.add_argument("--estimator", choices=("cnn", "textons"), default="cnn")
    train.add_argument(
        "--val", type=Path, nargs="+", default=[], metavar="LOG", help="held-out flights (default: the last fifth)"
    )
    train.add_argument("--epochs", type=int, default=5)
    train.add_argument("--batch-size", type=int, help="default perception.cnn.batch_size")
    train.add_argument("--workers", type=int, default=2, help="log-reading processes per training process")
    train.add_argument("--shuffle-buffer", type=int, default=512, help="samples each reader shuffles among")
    train.add_argument("--checkpoint-every", type=int, default=200, metavar="STEPS")
    train.add_argument("--seed", type=int, help="data order and augmentation (default learner.seed)")
    train.add_argument("--threads", type=int, help="torch threads per process (default: cores left by loaders)")
    train.add_argument("--resume", action="store_true", help="continue the run in --out where it stopped")
    train.add_argument("--min-frames", type=int, default=MIN_LOG_FRAMES, metavar="N",
                       help="refuse a log with fewer stereo-labelled frames (default %(default)s)")  # fmt: skip
    parser.add_argument(
        "--threshold", type=float, metavar="M", help="evaluate: obstacle below this distance (default avoid distance)"
    )
    add_config_args(parser)
    args = parser.parse_args(argv)
    if isinstance(args.export, Path):
        if args.out is not None:
            parser.error(f"--export {args.export} and --out {args.out}: give the dataset folder once, as --out")
        print(f"note: --export DIR is deprecated; use --export --out {args.export}", file=sys.stderr)
        args.out, args.export = args.export, True
    if args.export and args.out is None:
        parser.error("--export needs --out DIR (images/, labels.csv and dataset.npz go there)")
    if args.retrain and args.out is None:
        parser.error("--retrain needs --out DIR (the model, resume state and validation history go there)")
    if args.evaluate and args.model is None:
        parser.error("--evaluate needs --model PATH (mono_cnn.pt or mono_textons.npz)")
    if args.report and len(args.logs) != 1:
        parser.error("--report draws one flight: pass a single LOG")
    if not args.retrain and (args.val or args.resume):
        parser.error("--val and --resume are for --retrain")
    if args.retrain and args.estimator == "textons" and args.model is not None:
        parser.error("--model with --retrain starts a CNN from its weights; textons are learned afresh")
    if args.epochs < 1 or args.workers < 0 or args.checkpoint_every < 1 or args.shuffle_buffer < 1:
        parser.error("--epochs, --checkpoint-every and --shuffle-buffer must be >= 1, --workers >= 0")
    if args.seed is not None and not 0 <= args.seed <= MAX_SEED:
        parser.error(f"--seed must be an integer 0..{MAX_SEED}, got {args.seed}")
    if args.min_frames < 1:
        parser.error(f"--min-frames must be >= 1, got {args.min_frames}")
    if (args.batch_size is not None and args.batch_size < 1) or (args.threads is not None and args.threads < 1):
        parser.error("--batch-size and --threads must be >= 1")
    if launched_by_torchrun() and not args.retrain:
        parser.error("only --retrain runs under torchrun; run the other modes as a plain python command")
    return args


def retrain(args: argparse.Namespace, config: Config) -> int:
    train, val = split_validation(check_logs(args.logs), check_logs(args.val) if args.val else [])
    options = RetrainOptions(
        logs=tuple(train), val_logs=tuple(val), out=args.out, epochs=args.epochs,
        batch_size=args.batch_size or config.perception.cnn.batch_size, workers=args.workers,
        shuffle_buffer=args.shuffle_buffer, checkpoint_every=args.checkpoint_every,
        seed=config.learner.seed if args.seed is None else args.seed, resume=args.resume, init_model=args.model,
        threads=args.threads, target_tpr=config.learner.target_tpr, min_log_frames=args.min_frames,
    )  # fmt: skip
    if args.estimator == "textons":
        if launched_by_torchrun():
            raise ReplayError("texton retraining runs in one process; run it without torchrun")
        result = retrain_textons(options, config.perception)
    else:
        context = setup_distributed()
        try:
            result = retrain_cnn(context, options, config.perception)
        finally:
            cleanup(context)
        if not context.is_main:
            return 0
    for read in result.logs_read:  # what each log gave, damage included: never trained on silently
        print(f"read: {read['read']}")
    first, last = result.history[0], result.history[-1]
    print(summary_table({
        "model": str(result.model), "training logs": len(train), "held-out logs": len(val),
        "steps": result.steps, "resumed from step": result.resumed_from_step, "epochs": result.epochs_done,
        "samples (this run)": result.samples, "samples/s": round(result.samples_per_s, 1),
        "processes x threads, workers": f"{result.processes} x {result.threads}, {result.workers}",
        "validation at start (vs stereo)": first["vs_stereo"], "validation at end (vs stereo)": last["vs_stereo"],
    }))  # fmt: skip
    return 0


def evaluate_model(args: argparse.Namespace, config: Config) -> int:
    logs = check_logs(args.logs)
    out = fresh_folder(args.out, "evaluation") if args.out is not None else None
    estimator = load_estimator(args.model, config.perception, image_shape(logs[0]))
    try:
        figures, changed = evaluate(
            logs, estimator, config.perception.avoid_distance_m, config.learner.target_tpr, args.threshold
        )
    finally:
        close_estimator(estimator)
    table = {k: v for k, v in figures.items() if k not in ("overrides", "evaluation_only_vs_ground_truth")}
    for name, scores in figures.get("evaluation_only_vs_ground_truth", {}).items():
        table[f"{name}_vs_ground_truth (evaluation only)"] = scores
    print(summary_table(table))
    overrides = figures["overrides"]
    print(f"overrides: {overrides['count']}, caught by the new model: {overrides['caught_by_new_model']}")
    for d in overrides["details"]:
        new = "-" if d["new_mono_m"] is None else f"{d['new_mono_m']:.2f}"
        print(f"  {d['log']} t={d['t']:.2f} s: stereo {d['stereo_m']:.2f} m, logged mono {d['logged_mono_m']:.2f} m, "
              f"new mono {new} m, caught: {'yes' if d['caught'] else 'no'}")  # fmt: skip
    if out is not None:
        write_json(out / "evaluation.json", {"model": str(args.model), **figures})
        header = list(changed[0]) if changed else ["log", "frame", "t"]
        write_csv(out / "changed_decisions.csv", header, [list(row.values()) for row in changed])
        print(f"written: {out / 'evaluation.json'}, {out / 'changed_decisions.csv'}")
    return 0


def report(args: argparse.Namespace, config: Config) -> int:
    (log,) = check_logs(args.logs)
    out = args.out or log.with_name(f"{log.stem}_report")
    for path in write_report(log, out, config.perception, config.learner.target_tpr):
        print(f"written: {path}")
    return 0


def export(args: argparse.Namespace, config: Config) -> int:
    print(summary_table(export_dataset(check_logs(args.logs), args.out)))
    return 0


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = parse_args(argv, prog)
    config = config_from_args(args)
    if args.retrain:
        return retrain(args, config)
    if args.evaluate:
        return evaluate_model(args, config)
    if args.report:
        return report(args, config)
    return export(args, config)


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
