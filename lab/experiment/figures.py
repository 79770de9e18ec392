"""The experiment's plots: learning curves, collisions per strategy, overrides over time, transfer recovery."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: figures go to files, never to a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from drone_ssl_lab.experiment.aggregate import Curve, GroupSummary, RunRecord, curve  # noqa: E402
from drone_ssl_lab.experiment.grid import CONDITIONS  # noqa: E402
from drone_ssl_lab.experiment.transfer import RECOVERY_TOLERANCE, TransferSummary  # noqa: E402

COLOURS = dict(zip(CONDITIONS, ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown"), strict=True))
Groups = dict[tuple[str, str], list[RunRecord]]
AUC_RANGE = (0.0, 1.02)
PERCENT_RANGE = (0.0, 102.0)


def _band(ax: plt.Axes, c: Curve, label: str, colour: str, scale: float = 1.0, style: str = "-") -> None:
    if not np.isfinite(c.mean).any():
        return
    ax.plot(c.t, c.mean * scale, style, color=colour, lw=1.4, label=label)
    ax.fill_between(c.t, c.low * scale, c.high * scale, color=colour, alpha=0.15, lw=0)


def _finish_axis(ax: plt.Axes, label: str, limits: tuple[float | None, float | None]) -> None:
    """Label, grid, and the figure's natural range: a t band from two or three seeds can reach far past it."""
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
    ax.set_ylim(*limits)


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _grid(rows: int, estimators: Sequence[str], height: float = 3.0) -> tuple[plt.Figure, np.ndarray]:
    fig, axes = plt.subplots(rows, len(estimators), figsize=(5.5 * len(estimators), height * rows),
                             squeeze=False, sharex=True)  # fmt: skip
    return fig, axes


def learning_curves(path: Path, groups: Groups, estimators: Sequence[str], window_s: float) -> Path:
    """Mono accuracy against ground truth (AUC, MAE) and against stereo (AUC) per window, mean and 95% CI."""
    rows = (("mono_gt_auc", "mono ROC AUC vs truth", AUC_RANGE), ("mono_gt_mae_m", "mono MAE vs truth (m)", (0, None)),
            ("mono_stereo_auc", "mono ROC AUC vs stereo", AUC_RANGE))  # fmt: skip
    fig, axes = _grid(len(rows), estimators)
    for j, e in enumerate(estimators):
        for i, (key, label, limits) in enumerate(rows):
            ax = axes[i][j]
            for (condition, estimator), records in groups.items():
                if estimator == e:
                    _band(ax, curve(records, key, window_s), condition, COLOURS[condition])
            _finish_axis(ax, label, limits)
        axes[0][j].set_title(f"{e}: learning curves (mean, 95% CI over seeds)")
        axes[-1][j].set_xlabel("flight time (s)")
        axes[0][j].legend(fontsize=7, loc="lower right")
    return _save(fig, path)


def collisions(path: Path, summaries: Sequence[GroupSummary], estimators: Sequence[str]) -> Path:
    """Collisions per 10 minutes by condition and estimator: whole flight, on stereo, on mono (95% CI bars)."""
    panels = (("collisions_per_10min", "whole flight"), ("stereo_collisions_per_10min", "flying on stereo"),
              ("mono_collisions_per_10min", "flying on mono"))  # fmt: skip
    conditions = list(dict.fromkeys(s.condition for s in summaries))
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.8), squeeze=False)
    width = 0.8 / max(1, len(estimators))
    for k, (name, title) in enumerate(panels):
        ax = axes[0][k]
        for j, e in enumerate(estimators):
            xs, values, lows, highs = [], [], [], []
            for i, c in enumerate(conditions):
                s = next((s for s in summaries if s.condition == c and s.estimator == e), None)
                if s is None or not s.figures[name].defined:
                    continue
                est = s.figures[name]
                xs.append(i + (j - (len(estimators) - 1) / 2) * width)
                values.append(est.value)
                lows.append(est.value - est.low if math.isfinite(est.low) else 0.0)
                highs.append(est.high - est.value if math.isfinite(est.high) else 0.0)
            ax.bar(xs, values, width, yerr=[lows, highs], capsize=3, label=e)
        ax.set_xticks(range(len(conditions)), conditions, rotation=20, fontsize=8)
        ax.set_title(title)
        ax.set_ylabel("collisions / 10 min")
        ax.grid(alpha=0.3, axis="y")
    axes[0][0].legend(fontsize=8)
    return _save(fig, path)


def overrides(path: Path, groups: Groups, estimators: Sequence[str], window_s: float) -> Path:
    """Training-wheel overrides per mono frame, and the share of frames flown on mono, over flight time."""
    rows = (("override_share", "overrides (% of mono frames)"), ("mono_share", "frames on mono (%)"))
    fig, axes = _grid(len(rows), estimators)
    for j, e in enumerate(estimators):
        for i, (key, label) in enumerate(rows):
            ax = axes[i][j]
            for (condition, estimator), records in groups.items():
                if estimator == e and condition != "stereo":
                    _band(ax, curve(records, key, window_s), condition, COLOURS[condition], 100.0)
            _finish_axis(ax, label, (0, None) if i == 0 else PERCENT_RANGE)
        axes[0][j].set_title(f"{e}: overrides over time (mean, 95% CI over seeds)")
        axes[-1][j].set_xlabel("flight time (s)")
        axes[0][j].legend(fontsize=7, loc="upper right")
    return _save(fig, path)


def transfer(path: Path, groups: Groups, summaries: Sequence[TransferSummary], window_s: float) -> Path:
    """Mono AUC vs truth in unseen rooms (learned elsewhere) against learning the same rooms from scratch."""
    fig, axes = plt.subplots(1, len(summaries), figsize=(5.5 * len(summaries), 3.6), squeeze=False)
    for j, s in enumerate(summaries):
        ax = axes[0][j]
        _band(ax, curve(groups.get(("transfer", s.estimator), []), "mono_gt_auc", window_s),
              "model from another room", COLOURS["transfer"])  # fmt: skip
        _band(ax, curve(groups.get(("persistent", s.estimator), []), "mono_gt_auc", window_s),
              "from scratch", COLOURS["persistent"], style="--")  # fmt: skip
        if s.level_auc.defined:
            ax.axhline(s.level_auc.value, color="k", lw=0.8, ls=":", label="learned level (own room)")
            ax.axhline(s.level_auc.value - RECOVERY_TOLERANCE, color="0.5", lw=0.6, ls=":", label="recovered above")
        ax.set_title(f"{s.estimator}: unseen rooms")
        ax.set_xlabel("flight time (s)")
        _finish_axis(ax, "mono ROC AUC vs truth", AUC_RANGE)
        ax.legend(fontsize=7, loc="lower right")
    return _save(fig, path)
