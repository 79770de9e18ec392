"""Fly strategies x estimators x seeded rooms as fly.py --sim runs, then report means and 95% CIs over seeds.

  drone-ssl experiment --quick        # a smoke check of the machinery (about 3 minutes on 2 cores)
  drone-ssl experiment                # the default grid -> docs/results/
  drone-ssl experiment --full         # hours; spread it over machines with --shard and --merge

  drone-ssl experiment --full --ray HEAD:6379   # on a Ray cluster (pip install -e '.[ray]')

Interrupted? Run the same command again: finished runs are kept, unfinished ones are flown again.
Several machines: `--ray ADDRESS` runs each flight as a Ray task on the cluster whose head node is at ADDRESS
(`--ray` alone starts a local Ray on 127.0.0.1); results land in --runs. Without Ray: on machine i of n run the
same command with `--shard i/n --runs runs/shard-i`, gather the shard folders on one machine, then run it once
more with `--merge runs/shard-1 ... runs/shard-n`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

from drone_ssl_app.cli import add_config_args, command, config_from_args
from drone_ssl_app.fly import fly_command_line
from drone_ssl_lab.experiment import (
    CONDITIONS,
    ESTIMATORS,
    PRESETS,
    ExperimentError,
    ExperimentFolder,
    Grid,
    GridRunner,
    parse_shard,
)
from drone_ssl_lab.experiment.folder import FINISHED, SKIPPED
from drone_ssl_lab.experiment.runner import BLOCKED, FAILED

ROOT = Path(__file__).resolve().parents[2]  # the checkout, when this runs from one: the code version is its commit
LOCAL_RAY = "local"
DEFAULT_OUT = {"default": Path("docs/results"), "full": Path("docs/results/full")}  # quick: inside its runs folder


def names(allowed: tuple[str, ...]):
    def parse(text: str) -> tuple[str, ...]:
        chosen = tuple(n.strip() for n in text.split(",") if n.strip())
        unknown = [n for n in chosen if n not in allowed]
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)} (comma-separated), got {text!r}")
        return chosen

    return parse


def parse_args(argv: list[str] | None = None, prog: str | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    quick, default, full = PRESETS["quick"], PRESETS["default"], PRESETS["full"]
    size.add_argument("--quick", action="store_true",
                      help=f"{quick.seeds} rooms, {quick.duration_s:g} s flights, fast-learning config: checks the "
                           f"machinery only (default: {default.seeds} rooms, {default.duration_s:g} s)")  # fmt: skip
    size.add_argument("--full", action="store_true",
                      help=f"{full.seeds} rooms, {full.duration_s / 60:g}-minute flights")  # fmt: skip
    grid = parser.add_argument_group("grid (default: the preset's)")
    grid.add_argument("--seeds", type=int, metavar="N", help="number of seeded rooms (see --first-seed)")
    grid.add_argument("--first-seed", "--seed", dest="first_seed", type=int, default=0, metavar="K",
                      help="rooms K .. K+N-1: the first room's seed, as fly.py --seed (default 0)")  # fmt: skip
    grid.add_argument("--duration", type=float, metavar="SECONDS", help="simulated seconds per flight")
    grid.add_argument("--conditions", type=names(CONDITIONS), metavar="LIST",
                      help=f"comma-separated subset of {','.join(CONDITIONS)}")  # fmt: skip
    grid.add_argument("--estimators", type=names(ESTIMATORS), metavar="LIST",
                      help=f"comma-separated subset of {','.join(ESTIMATORS)}")  # fmt: skip
    grid.add_argument("--cut-delay", type=float, metavar="SECONDS",
                      help="persistent_cut: stereo is cut this long after the persistent run's switch")  # fmt: skip
    grid.add_argument("--window", type=float, metavar="SECONDS", help="time step of the curves over flight time")
    run = parser.add_argument_group("running")
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                     help="flight processes at once; a CNN flight counts 2 (it trains in a second process), "
                          "a texton flight 1 (default: the number of cores)")  # fmt: skip
    run.add_argument("--runs", type=Path, metavar="DIR", help="runs folder (default runs/experiment-<preset>)")
    run.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="results folder (default docs/results, docs/results/full, or <runs>/results for --quick)",
    )
    run.add_argument("--ray", nargs="?", const=LOCAL_RAY, metavar="ADDRESS",
                     help="fly each run as a Ray task reserving the CPUs it uses: on the cluster at ADDRESS "
                          "(e.g. HEAD:6379), or alone on a local Ray on 127.0.0.1 (--jobs CPUs)")  # fmt: skip
    run.add_argument("--shard", metavar="I/N", help="fly only shard I of N (whole rooms); no report")
    mode = run.add_mutually_exclusive_group()
    mode.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="copy the finished runs of these shard folders into --runs, then report (flies nothing)",
    )
    mode.add_argument("--report-only", action="store_true", help="report what --runs holds; fly nothing")
    mode.add_argument("--dry-run", action="store_true", help="list the runs and their states; fly nothing")
    add_config_args(parser)
    args = parser.parse_args(argv)
    for name in ("seeds", "jobs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be at least 1, got {value}")
    if args.first_seed < 0:
        parser.error(f"--first-seed must be a non-negative integer, got {args.first_seed}")
    if args.config is not None and not Path(args.config).is_file():
        parser.error(f"--config {args.config} does not exist; pass a YAML file")
    if args.shard is not None and args.merge:
        parser.error("--shard flies one part and --merge gathers the parts: use them in separate steps")
    if args.ray is not None and (args.merge or args.report_only or args.dry_run):
        parser.error("--ray flies runs: it does nothing with --merge, --report-only or --dry-run")
    return args


def preset_name(args: argparse.Namespace) -> str:
    return "quick" if args.quick else "full" if args.full else "default"


def build_grid(args: argparse.Namespace) -> Grid:
    preset = PRESETS[preset_name(args)]
    config_from_args(args)  # a bad --set or --config stops here, before anything flies
    seeds = None if args.seeds is None else tuple(range(args.first_seed, args.first_seed + args.seeds))
    if seeds is None and args.first_seed:
        seeds = tuple(range(args.first_seed, args.first_seed + preset.seeds))
    return preset.grid(
        seeds=seeds,
        duration_s=args.duration,
        conditions=args.conditions or CONDITIONS,
        estimators=args.estimators or ESTIMATORS,
        overrides=tuple(args.overrides),
        config_text=None if args.config is None else Path(args.config).read_text(),
        window_s=args.window,
        cut_delay_s=args.cut_delay,
    )


def provenance() -> str:
    """The code version, when this is a git checkout."""
    try:
        result = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"code {result.stdout.strip()}" if result.returncode == 0 else ""


def dry_run(folder: ExperimentFolder, grid: Grid, specs: list) -> int:
    states = [folder.state(s) for s in specs]
    for spec, state in zip(specs, states, strict=True):
        print(f"{spec.id:<40} {state}")
    todo = sum(state not in (FINISHED, SKIPPED) for state in states)  # a skipped run is decided, not flown
    print(f"{len(specs)} runs, {todo} to fly: up to {todo * grid.settings.duration_s / 60:.1f} simulated minutes")
    return 0


def fly(args: argparse.Namespace, folder: ExperimentFolder, grid: Grid, specs: list) -> list:
    """Fly what is not finished: as local processes, or as Ray tasks with --ray."""
    if args.ray is None:
        return GridRunner(folder, grid.settings, args.jobs, fly_command_line()).run(specs)
    from drone_ssl_lab.experiment.ray_launcher import RayLauncher, cluster_cpus, start_ray

    start_ray(None if args.ray == LOCAL_RAY else args.ray, num_cpus=args.jobs)
    import ray

    try:
        # Ray queues tasks until a node has the CPUs they reserve: keep about the cluster's worth submitted.
        runner = GridRunner(folder, grid.settings, cluster_cpus(), [], launcher=RayLauncher(folder))
        return runner.run(specs)
    finally:
        ray.shutdown()


def stop_on_sigterm() -> None:
    """A termination request stops the flights the way Ctrl-C does (they land, their folders are flown again)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    stop_on_sigterm()
    args = parse_args(argv, prog)
    grid = build_grid(args)
    name = preset_name(args)
    folder = ExperimentFolder(args.runs or Path("runs") / f"experiment-{name}")
    out = args.out or DEFAULT_OUT.get(name, folder.path / "results")
    shard = parse_shard(args.shard) if args.shard else None
    specs = grid.shard(*shard) if shard else grid.runs()
    if args.dry_run:
        return dry_run(folder, grid, specs)
    if args.merge:
        for other in args.merge:
            copied = folder.merge_from(ExperimentFolder(other), grid.runs())
            print(f"merged {copied} runs from {other}")
    elif not args.report_only:
        outcomes = fly(args, folder, grid, specs)
        for o in outcomes:
            if o.state in (FAILED, BLOCKED):
                print(f"{o.spec.id}: {o.state}: {o.detail}", file=sys.stderr)
        if shard:
            print(f"shard {args.shard} done in {folder.path}; gather the shards and report with --merge")
            return 1 if any(o.state in (FAILED, BLOCKED) for o in outcomes) else 0
    if folder.settings() != grid.settings:
        raise ExperimentError(
            f"{folder.path} holds flights made with other settings (or none); pass the arguments they were flown with"
        )
    from drone_ssl_lab.experiment.collect import collect  # the report side loads torch and matplotlib: not before
    from drone_ssl_lab.experiment.study_report import write_report

    records = collect(folder, grid.runs(), grid.window_s, args.jobs)
    how_run = "drone-ssl experiment " + shlex.join(sys.argv[1:] if argv is None else argv)
    written = write_report(out, grid, records, how_run.strip(), provenance())
    print(f"results: {written[0]} (+ {len(written) - 1} files)")
    missing = [r for r in records if r.metrics is None and r.state != "skipped"]
    if missing:
        print(f"{len(missing)} runs have no results: {', '.join(r.spec.id for r in missing)}", file=sys.stderr)
    return 1 if missing else 0


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
