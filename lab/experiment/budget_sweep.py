"""Sweep the CNN's training budget (steps per simulated second) over seeded rooms, textons beside it.

  drone-ssl budget-sweep                       # steps 1,2,4,8,16 x 4 rooms x 180 s -> docs/results/budget/
  drone-ssl budget-sweep --steps 2,6 --seeds 2 --duration 60 --out runs/budget-small

Each budget is an experiment.py grid of persistent CNN flights (resumable: run it again after Ctrl-C); the texton
estimator flies the same rooms once. The table and plot give, per budget, how many rooms switched to mono, when,
and the mono ROC AUC and MAE against ground truth over the last minute, with 95% bootstrap intervals over rooms.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from pathlib import Path

from drone_ssl_app.cli import command
from drone_ssl_app.config import load_config
from drone_ssl_lab.experiment.budget import TEXTONS, budget_row, plot, write_table

EXPERIMENT = "drone_ssl_lab.experiment.command"  # the study command, run as a module in its own process
WINDOW_S = 30.0


def _steps(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--steps takes numbers separated by commas, got {text!r}") from exc
    if not values or any(not math.isfinite(v) or v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"--steps takes positive numbers, got {text!r}")
    return sorted(set(values))


def fly_grid(runs: Path, estimator: str, args: argparse.Namespace, overrides: list[str]) -> list[Path]:
    """Fly (or resume) one study grid (`drone-ssl experiment`); the run folders, one per room."""
    command = [sys.executable, "-m", EXPERIMENT, "--conditions", "persistent", "--estimators", estimator,
               "--seeds", str(args.seeds), "--first-seed", str(args.first_seed), "--duration", str(args.duration),
               "--jobs", str(args.jobs), "--runs", str(runs), "--out", str(runs / "results")]  # fmt: skip
    for item in overrides:
        command += ["--set", item]
    subprocess.run(command, check=True)
    return [runs / f"persistent-{estimator}-seed{s}" for s in range(args.first_seed, args.first_seed + args.seeds)]


def run(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=_steps, default=[1.0, 2.0, 4.0, 8.0, 16.0],
                        help="gradient steps per simulated second, comma-separated (default 1,2,4,8,16)")  # fmt: skip
    parser.add_argument("--seeds", type=int, default=4, help="seeded rooms (default 4)")
    parser.add_argument("--first-seed", "--seed", type=int, default=2000, help="the first room's seed (default 2000)")
    parser.add_argument("--duration", type=float, default=180.0, help="simulated seconds per flight (default 180)")
    parser.add_argument("--jobs", type=int, default=2, help="flight processes at once (a CNN flight counts 2)")
    parser.add_argument("--runs", type=Path, default=Path("runs/budget"), help="runs folder (default runs/budget)")
    parser.add_argument("--out", type=Path, default=Path("docs/results/budget"), help="results folder")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.duration <= 0 or args.jobs < 1:
        parser.error("--seeds and --jobs must be at least 1 and --duration positive")
    batch = load_config().learner.batch_size
    rows = []
    for steps in args.steps:
        print(f"... CNN at {steps:g} steps per simulated second", file=sys.stderr)
        folders = fly_grid(args.runs / f"cnn-steps{steps:g}", "cnn", args, [f"learner.steps_per_sim_s={steps:g}"])
        rows.append(budget_row(f"{steps:g}", steps, batch, folders, WINDOW_S))
    print("... textons in the same rooms", file=sys.stderr)
    rows.append(budget_row(TEXTONS, math.nan, batch, fly_grid(args.runs / TEXTONS, TEXTONS, args, []), WINDOW_S))
    csv_path, md_path = write_table(rows, args.out)
    png = plot(rows, args.out / "budget.png")
    print(md_path.read_text())
    print(f"written: {csv_path}, {md_path}, {png}")
    return 0


main = command(run)


if __name__ == "__main__":
    sys.exit(main())
