"""Write the results folder: results.md (tables, answers, figures, the command), CSV files and PNG plots."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drone_ssl_lab.experiment import figures, tables
from drone_ssl_lab.experiment.aggregate import GroupSummary, RunRecord, group_records, summarise_group
from drone_ssl_lab.experiment.comparisons import comparisons
from drone_ssl_lab.experiment.grid import Grid
from drone_ssl_lab.experiment.stats import BOOTSTRAP_RESAMPLES
from drone_ssl_lab.experiment.transfer import RECOVERY_TOLERANCE, TransferSummary, summarise_transfer

RESULTS_MD = "results.md"

METHODS = f"""\
**How to read the figures.** Each cell is a value with its 95% confidence interval over the seeded rooms,
`value [low, high]`; `(n=1)` means a single run (no interval) and `–` no data. Means of per-run figures (distance,
switch time, accuracy) use a percentile bootstrap of the mean over runs. Rates (collisions per 10 min, minutes
between collisions, override share) are pooled over runs — total events over total time in that phase — with a
percentile bootstrap over runs. Every bootstrap draws whole runs ({BOOTSTRAP_RESAMPLES} resamples, fixed seed),
so that a hard room counts as a whole, and its interval stays inside the figure's range (an AUC never passes 1,
a time is never negative). A comparison A - B is made on the seeds both flew (paired bootstrap); its verdict
says "fewer"/"more" only when the interval excludes 0. With few seeds a bootstrap interval is optimistic; the
counts (runs, minutes, collisions) show how much evidence there is.
"Mono" flight is the phases `mono` (stereo training wheels on) and `mono_only` (stereo gone). Accuracy is the
MAE and the ROC AUC of the "obstacle within perception.avoid_distance_m" decision, of the mono estimate (logged
on every frame, in every phase) against the simulator's free distance ahead (evaluation-only ground truth) and
against the stereo label; the stereo label's own error is measured against the same ground truth.

**Protocols.** `persistent_cut` flies the same seed as the persistent run and cuts stereo (`fly.py --cut-stereo-at`)
a fixed delay after *that run's own switch time*: a seeded flight repeats bit for bit on one machine and kernel set
(run both there), so it replays the persistent run up to the cut and the cut always falls in mono flight; a seed
whose persistent run never switched (or too late) is skipped, with the reason below. `transfer` starts from the
model the persistent run of seed *s* saved (`fly.py --model`) and flies the next seed's room — other textures,
lighting and layout — still as `persistent`: the arbiter trusts the model only after the held-out test in the new
room passes, and mono keeps learning from the new room's stereo. Its drop is the learned level (the source run's
mono AUC vs truth over its last minute) minus the AUC in the unseen room's first window; it has recovered at the
start of the first window within {RECOVERY_TOLERANCE} AUC of that level. "From scratch" is the persistent run that
learned the same room with no model. The arbiter counts learning rounds per flight, so even a good model switches no
earlier than the first round in the new room allows. """


def _section(title: str, body: str) -> str:
    return f"## {title}\n\n{body.strip()}\n" if body.strip() else ""


def _grid_text(grid: Grid, command: str, provenance: str) -> str:
    s = grid.settings
    lines = [
        f"Made with: `{command}`" + (f" ({provenance})" if provenance else ""),
        "",
        f"- conditions: {', '.join(grid.conditions)}; estimators: {', '.join(grid.estimators)}",
        f"- seeds (rooms): {', '.join(map(str, grid.seeds))}; {s.duration_s:g} simulated seconds per flight; "
        f"stereo cut {s.cut_delay_s:g} s after the switch; curves in {grid.window_s:g} s windows",
        f"- config overrides: {', '.join(f'`{o}`' for o in s.overrides) or 'none'}"
        + ("; plus a --config file (kept in the runs folder)" if s.config_text else ""),
        *(f"- {note}" for note in grid.notes),
    ]
    return "\n".join(lines)


def write_report(out: Path, grid: Grid, records: Sequence[RunRecord], command: str, provenance: str = "") -> list[Path]:
    """Write everything into `out` (created); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    groups = group_records(records)
    summaries: list[GroupSummary] = [summarise_group(c, e, rs) for (c, e), rs in groups.items()]
    answers = comparisons(groups, grid.estimators)
    transfers: list[TransferSummary] = [
        summarise_transfer(e, groups[("transfer", e)], groups.get(("persistent", e), []))
        for e in grid.estimators if ("transfer", e) in groups
    ]  # fmt: skip
    written = [
        figures.learning_curves(out / "learning_curves.png", groups, grid.estimators, grid.window_s),
        figures.collisions(out / "collisions.png", summaries, grid.estimators),
        figures.overrides(out / "overrides.png", groups, grid.estimators, grid.window_s),
    ]
    if transfers:
        written.append(figures.transfer(out / "transfer.png", groups, transfers, grid.window_s))
    csvs = {"results.csv": tables.results_rows(summaries), "comparisons.csv": tables.comparison_rows(answers),
            "transfer.csv": tables.transfer_rows(transfers), "runs.csv": tables.run_rows(records)}  # fmt: skip
    for name, rows in csvs.items():
        tables.write_csv(out / name, rows)
        written.append(out / name)
    images = "\n\n".join(f"![{p.stem}]({p.name})" for p in written if p.suffix == ".png")
    text = "\n".join(
        part
        for part in (
            "# Strategies x estimators over seeded rooms\n",
            _grid_text(grid, command, provenance) + "\n",
            _section("Answers", tables.comparison_table(answers) if answers else ""),
            _section("Flying", tables.flying_table(summaries)),
            _section("Perception", tables.perception_table(summaries)),
            _section("Generalisation to unseen rooms", tables.transfer_table(transfers) if transfers else ""),
            _section("Figures", images),
            _section("Runs without figures", tables.incomplete_table(records)),
            _section("Methods", METHODS),
            "CSV: results.csv (every figure with its interval), comparisons.csv, transfer.csv, runs.csv (per run).\n",
        )
        if part
    )
    (out / RESULTS_MD).write_text(text)
    written.insert(0, out / RESULTS_MD)
    return written
