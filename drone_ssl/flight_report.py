"""A finished flight's summary (summary.json, the table people read) and its plots."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from drone_ssl.atomic_file import write_text_atomically
from drone_ssl.errors import SaveError
from drone_ssl.flight_stats import FlightStats
from drone_ssl.learner.metrics import ValidationMetrics
from drone_ssl.plots import Footprint, plot_series, plot_trajectory

PHASE_COLOURS = {"stereo": "tab:blue", "mono": "tab:green", "mono_only": "tab:purple", "safe": "tab:red"}


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and inf become null, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def summarise(
    stats: FlightStats, history: list[ValidationMetrics], wall_time_s: float, extra: dict[str, Any]
) -> dict[str, Any]:
    """The figures of one flight, JSON-ready; `extra` adds run facts (seed, strategy, estimator, …)."""
    sim_time = stats.flight_time_s
    phases = sorted(stats.time_in_phase_s)
    latest = dataclasses.asdict(history[-1]) if history else None
    summary = {
        **extra,
        "sim_time_s": round(sim_time, 3),
        "wall_time_s": round(wall_time_s, 3),
        "real_time_factor": round(sim_time / wall_time_s, 2) if wall_time_s > 0 else None,
        "frames": stats.frames,
        "collisions": stats.collisions,
        "collisions_by_phase": {p: stats.collisions_by_phase.get(p, 0) for p in phases},
        "collisions_per_10min_by_phase": {p: stats.per_ten_minutes(p) for p in phases},
        "time_in_phase_s": {p: round(stats.time_in_phase_s[p], 3) for p in phases},
        "switch_time_s": None if stats.switch_time_s is None else round(stats.switch_time_s, 3),
        "overrides": stats.overrides,
        "mono_frames": stats.mono_frames,
        "override_share_of_mono_frames": stats.overrides / stats.mono_frames if stats.mono_frames else None,
        "stereo_labels": stats.stereo_labels,
        "distance_flown_m": round(stats.distance_flown_m, 3),
        **motion(stats, phases),
        "final_mono_metrics": latest,
    }
    return _clean(summary)


MONO_PHASES = ("mono", "mono_only")  # flown on what was learned (with or without the training wheels)


def motion(stats: FlightStats, phases: list[str]) -> dict[str, Any]:
    """How the drone moved in each phase: a drone that turns on the spot collides least per minute, so the pace,
    the share of frames flown ahead, the floor cells visited and the collisions per 100 m stand beside it."""
    on_mono = tuple(p for p in MONO_PHASES if p in phases)

    def rounded(value: float | None, digits: int = 3) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "distance_by_phase_m": {p: round(stats.distance_by_phase_m.get(p, 0.0), 3) for p in phases},
        "metres_per_minute_by_phase": {p: rounded(stats.metres_per_minute((p,)), 2) for p in phases},
        "frames_by_phase": {p: stats.frames_by_phase.get(p, 0) for p in phases},
        "forward_share_by_phase": {p: rounded(stats.forward_share((p,))) for p in phases},
        "collisions_per_100m_by_phase": {p: rounded(stats.per_hundred_metres((p,))) for p in phases},
        "cells_visited": len(stats.cells),  # 0.5 m floor cells (known positions only)
        "cells_visited_by_phase": {p: len(stats.cells_by_phase.get(p, ())) for p in phases},
        "mono_metres_per_minute": rounded(stats.metres_per_minute(on_mono), 2) if on_mono else None,
        "mono_forward_share": rounded(stats.forward_share(on_mono)) if on_mono else None,
    }


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    """summary.json, whole or not at all (SaveError)."""
    write_text_atomically(path, json.dumps(summary, indent=2) + "\n")


def summary_table(summary: dict[str, Any]) -> str:
    """The human table printed at the end of a flight."""
    rows = []
    for key, value in summary.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) or "-"
        rows.append((key, _fmt(value)))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def phase_segments(phases: list[str]) -> list[tuple[int, int, str, str]]:
    """Runs of equal phase as (first, last, colour, label), overlapping by one frame so the line is unbroken."""
    segments, start = [], 0
    for i in range(1, len(phases) + 1):
        if i == len(phases) or phases[i] != phases[start]:
            segments.append((start, min(i, len(phases) - 1), PHASE_COLOURS.get(phases[start], "k"), phases[start]))
            start = i
    return segments


def plot_flight(
    folder: Path,
    stats: FlightStats,
    history: list[ValidationMetrics],
    room_size_m: float | None,
    footprints: list[Footprint],
    collision_xy: np.ndarray,
    avoid_distance_m: float,
    title: str,
    switch_rule: dict[str, float] | None = None,
    unsaved: list[SaveError] | None = None,
) -> list[Path]:
    """trajectory.png (when positions are known), distances.png and learning_curve.png, the last two shaded by
    phase so the switch to mono shows at a glance (`switch_rule`: its bounds drawn on the learning curve).

    A figure that cannot be written (a full disk) raises its SaveError, or with `unsaved` is added to it while
    the others are still tried."""
    written: list[Path] = []

    def draw(path: Path, plot: Callable[[], None]) -> None:
        try:
            plot()
        except SaveError as exc:
            if unsaved is None:
                raise
            unsaved.append(exc)
        else:
            written.append(path)

    trace = stats.trace
    if not trace:
        return written
    t = np.array([f.t for f in trace])
    if room_size_m is not None and all(f.position is not None for f in trace):
        xy = np.array([f.position[:2] for f in trace])
        segments = phase_segments([f.phase for f in trace])
        path = folder / "trajectory.png"
        draw(path, lambda: plot_trajectory(path, xy, room_size_m, footprints, collision_xy, segments, title))
    spans = [
        (t[first], t[last], colour, label) for first, last, colour, label in phase_segments([f.phase for f in trace])
    ]
    path = folder / "distances.png"
    series = {
        "stereo label": np.array([f.stereo_m for f in trace]),
        "mono estimate": np.array([f.mono_m for f in trace]),
    }
    truth = np.array([f.true_m for f in trace])
    if np.isfinite(truth).any():
        series["ground truth ahead"] = truth
    marks = {"avoid distance": avoid_distance_m}
    draw(path, lambda: plot_series(path, t, series, "distance (m)", "nearest obstacle ahead", marks, spans))
    if history:
        curve_path = folder / "learning_curve.png"
        ht = np.array([m.t for m in history])
        curves = {
            "ROC AUC": np.array([m.roc_auc for m in history]),
            "TPR": np.array([m.tpr for m in history]),
            "FPR": np.array([m.fpr for m in history]),
            "MAE (m)": np.array([m.mae_m for m in history]),
        }
        curve_title = "mono vs stereo (held-out window)"
        draw(curve_path, lambda: plot_series(curve_path, ht, curves, curve_title, "learning curve", switch_rule, spans))
    return written
