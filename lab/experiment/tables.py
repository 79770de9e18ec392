"""The results as markdown tables (for people) and CSV files (for re-analysis)."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drone_ssl_lab.experiment.aggregate import FLYING, PERCEPTION, Figure, GroupSummary, RunRecord
from drone_ssl_lab.experiment.comparisons import Comparison
from drone_ssl_lab.experiment.stats import Estimate
from drone_ssl_lab.experiment.transfer import TransferSummary

DASH = "–"


def number(x: float | None, digits: int = 3) -> str:
    if x is None or math.isnan(x):
        return DASH
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.{digits}g}"


def estimate_text(e: Estimate, digits: int = 3) -> str:
    """'1.2 [0.4, 2.1]'; one run: '1.2 (n=1)'; no data: '–'."""
    if not e.defined:
        return DASH
    if math.isnan(e.low) and math.isnan(e.high):
        return f"{number(e.value, digits)} (n={e.n})"
    return f"{number(e.value, digits)} [{number(e.low, digits)}, {number(e.high, digits)}]"


def _with_n(e: Estimate) -> str:
    """An estimate with its number of runs, unless the text already says it."""
    text = estimate_text(e)
    return text if "(n=" in text else f"{text} (n={e.n})"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *(line(r) for r in rows)])


def _runs_cell(g: GroupSummary) -> str:
    extra = f", {g.skipped} skipped" if g.skipped else ""
    return f"{g.finished}/{g.planned}{extra}"


def group_table(groups: Sequence[GroupSummary], figures: Sequence[Figure], flying: bool) -> str:
    header = ["condition", "estimator", "runs"]
    if flying:
        header += ["flight min", "mono min", "collisions", "switched"]
    header += [f.label for f in figures]
    rows = []
    for g in groups:
        row = [g.condition, g.estimator, _runs_cell(g)]
        if flying:
            row += [number(g.flight_min), number(g.mono_min), str(g.collisions), f"{g.switched}/{g.finished}"]
        row += [estimate_text(g.figures[f.name]) for f in figures]
        rows.append(row)
    return markdown_table(header, rows)


def flying_table(groups: Sequence[GroupSummary]) -> str:
    return group_table(groups, FLYING, flying=True)


def perception_table(groups: Sequence[GroupSummary]) -> str:
    return group_table(groups, PERCEPTION, flying=False)


def comparison_table(items: Sequence[Comparison]) -> str:
    rows = [[c.question, c.metric, f"{c.a}: {estimate_text(c.a_value)}", f"{c.b}: {estimate_text(c.b_value)}",
             _with_n(c.difference), c.verdict] for c in items]  # fmt: skip
    return markdown_table(["question", "figure", "A", "B", "A - B, same seeds [95% CI]", "verdict"], rows)


def transfer_table(items: Sequence[TransferSummary]) -> str:
    header = ["estimator", "pairs", "learned AUC (own room)", "AUC in unseen room, 1st window", "AUC drop",
              "MAE increase (m)", "recovered", "recovery time (s)", "AUC head start vs from scratch",
              "time to switch (s)", "switch earlier than from scratch by (s)"]  # fmt: skip
    rows = [[t.estimator, str(len(t.runs)), estimate_text(t.level_auc), estimate_text(t.first_auc),
             estimate_text(t.drop_auc), estimate_text(t.mae_increase_m), f"{t.recovered}/{len(t.runs)}",
             estimate_text(t.recovery_s), estimate_text(t.head_start_auc), estimate_text(t.switch_time_s),
             estimate_text(t.switch_saved_s)] for t in items]  # fmt: skip
    return markdown_table(header, rows)


def incomplete_table(records: Sequence[RunRecord]) -> str:
    rows = [[r.spec.id, r.state, r.detail or ""] for r in records if r.metrics is None]
    return markdown_table(["run", "state", "why"], rows) if rows else ""


def _estimate_columns(prefix: str, e: Estimate) -> dict[str, Any]:
    return {f"{prefix}value": e.value, f"{prefix}ci_low": e.low, f"{prefix}ci_high": e.high, f"{prefix}n": e.n,
            f"{prefix}method": e.method}  # fmt: skip


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of dicts; the header is the union of their keys in first-seen order; NaN and None are empty."""
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v
                             for k, v in row.items()})  # fmt: skip


def results_rows(groups: Sequence[GroupSummary]) -> list[dict[str, Any]]:
    rows = []
    for g in groups:
        for f in (*FLYING, *PERCEPTION):
            rows.append({"condition": g.condition, "estimator": g.estimator, "figure": f.name, "label": f.label,
                         **_estimate_columns("", g.figures[f.name]), "runs_finished": g.finished,
                         "runs_planned": g.planned})  # fmt: skip
    return rows


def comparison_rows(items: Sequence[Comparison]) -> list[dict[str, Any]]:
    return [{"question": c.question, "a": c.a, "b": c.b, "figure": c.metric, **_estimate_columns("a_", c.a_value),
             **_estimate_columns("b_", c.b_value), **_estimate_columns("difference_", c.difference),
             "verdict": c.verdict} for c in items]  # fmt: skip


def transfer_rows(items: Sequence[TransferSummary]) -> list[dict[str, Any]]:
    return [{"estimator": t.estimator, "seed": r.seed, "source_seed": r.source_seed, "level_auc": r.level_auc,
             "first_window_auc": r.first_auc, "drop_auc": r.drop_auc, "recovery_s": r.recovery_s,
             "level_mae_m": r.level_mae_m, "first_window_mae_m": r.first_mae_m, "switch_time_s": r.switch_time_s,
             "scratch_switch_time_s": r.scratch_switch_time_s, "scratch_first_window_auc": r.scratch_first_auc}
            for t in items for r in t.runs]  # fmt: skip


def run_rows(records: Sequence[RunRecord]) -> list[dict[str, Any]]:
    return [{"run": r.spec.id, "condition": r.spec.condition, "estimator": r.spec.estimator, "seed": r.spec.seed,
             "source_seed": r.spec.source_seed, "state": r.state, "detail": r.detail, **r.scalars}
            for r in records]  # fmt: skip
