"""The training-budget sweep: switch time and final mono accuracy against gradient steps per simulated second."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: figures go to files, never to a window
import matplotlib.pyplot as plt  # noqa: E402

from drone_ssl_lab.experiment.run_metrics import run_metrics  # noqa: E402
from drone_ssl_lab.experiment.stats import Estimate, mean_ci  # noqa: E402

TEXTONS = "textons"  # the row of the paper's estimator, which takes no gradient steps


@dataclass(frozen=True)
class BudgetRow:
    """One budget (or the texton estimator) over the rooms: how many switched, when, and how well mono did."""

    label: str  # "steps/s" as a number, or "textons"
    steps_per_sim_s: float  # NaN for textons
    samples_per_sim_s: float
    runs: int
    switched: int
    switch_time_s: Estimate  # over the rooms that switched
    final_auc: Estimate  # mono ROC AUC vs ground truth over the last minute
    final_mae_m: Estimate


def budget_row(label: str, steps: float, batch: int, folders: Sequence[Path], window_s: float) -> BudgetRow:
    """Figures of the finished runs in `folders` (one per room)."""
    scalars = [run_metrics(f, window_s)["scalars"] for f in folders]
    switch = [s.get("switch_time_s") for s in scalars]
    return BudgetRow(
        label=label,
        steps_per_sim_s=steps,
        samples_per_sim_s=steps * batch if math.isfinite(steps) else math.nan,
        runs=len(scalars),
        switched=sum(t is not None and math.isfinite(t) for t in switch),
        switch_time_s=mean_ci(switch),
        final_auc=mean_ci([s.get("mono_gt_final_auc") for s in scalars]),
        final_mae_m=mean_ci([s.get("mono_gt_final_mae_m") for s in scalars]),
    )


def _cell(e: Estimate, digits: int) -> str:
    if not e.defined:
        return "–"
    if not e.has_interval:
        return f"{e.value:.{digits}f} (n={e.n})"
    return f"{e.value:.{digits}f} [{e.low:.{digits}f}, {e.high:.{digits}f}]"


def write_table(rows: Sequence[BudgetRow], folder: Path) -> tuple[Path, Path]:
    """budget.csv (every number) and budget.md (the readable table)."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = folder / "budget.csv", folder / "budget.md"
    with csv_path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["estimator", "steps_per_sim_s", "samples_per_sim_s", "runs", "switched",
                         "switch_time_s", "switch_low", "switch_high", "final_auc", "auc_low", "auc_high",
                         "final_mae_m", "mae_low", "mae_high"])  # fmt: skip
        for r in rows:
            cells = [r.switch_time_s, r.final_auc, r.final_mae_m]
            writer.writerow([r.label, r.steps_per_sim_s, r.samples_per_sim_s, r.runs, r.switched,
                             *[x for e in cells for x in (e.value, e.low, e.high)]])  # fmt: skip
    lines = ["| estimator | steps / sim s | samples / sim s | switched | switch time (s) | final AUC vs truth | "
             "final MAE vs truth (m) |", "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for r in rows:
        steps = "–" if math.isnan(r.steps_per_sim_s) else f"{r.steps_per_sim_s:g}"
        samples = "–" if math.isnan(r.samples_per_sim_s) else f"{r.samples_per_sim_s:g}"
        name = "cnn" if r.label != TEXTONS else TEXTONS
        cells = f"{_cell(r.switch_time_s, 0)} | {_cell(r.final_auc, 3)} | {_cell(r.final_mae_m, 2)}"
        lines.append(f"| {name} | {steps} | {samples} | {r.switched}/{r.runs} | {cells} |")
    md_path.write_text("\n".join(lines) + "\n")
    return csv_path, md_path


def plot(rows: Sequence[BudgetRow], path: Path) -> Path:
    """Switch time and final AUC against the budget (log scale), the texton estimator as a band beside it."""
    cnn = sorted((r for r in rows if r.label != TEXTONS), key=lambda r: r.steps_per_sim_s)
    textons = next((r for r in rows if r.label == TEXTONS), None)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    panels = (("switch_time_s", "switch to mono (simulated s)", (0, None)),
              ("final_auc", "mono ROC AUC vs truth, last minute", (0.5, 1.0)))  # fmt: skip
    for ax, (key, label, limits) in zip(axes, panels, strict=True):
        xs = [r.steps_per_sim_s for r in cnn]
        estimates = [getattr(r, key) for r in cnn]
        values = [e.value for e in estimates]
        low = [e.low if e.has_interval else e.value for e in estimates]
        high = [e.high if e.has_interval else e.value for e in estimates]
        ax.plot(xs, values, "o-", color="tab:blue", label="CNN (mean over rooms, 95% bootstrap CI)")
        ax.fill_between(xs, low, high, color="tab:blue", alpha=0.15, lw=0)
        for r, v in zip(cnn, values, strict=True):
            ax.annotate(f"{r.switched}/{r.runs} switched", (r.steps_per_sim_s, v), fontsize=7,
                        textcoords="offset points", xytext=(4, 4))  # fmt: skip
        if textons is not None and getattr(textons, key).defined:
            e = getattr(textons, key)
            ax.axhline(e.value, color="tab:orange", label="textons + kNN (no gradient steps)")
            if e.has_interval:
                ax.axhspan(e.low, e.high, color="tab:orange", alpha=0.12, lw=0)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("CNN training budget: gradient steps per simulated second")
        ax.set_ylabel(label)
        ax.set_ylim(*limits)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
