"""The figures of one finished run, from its summary.json and its flight log, cached as metrics.json beside them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from drone_ssl.config.learner import LearnerConfig
from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.flightlog import FlightLogError
from drone_ssl.flightlog.jsonable import to_jsonable
from drone_ssl.learner.metrics import validation_metrics
from drone_ssl_lab.experiment.errors import ExperimentError
from drone_ssl_lab.experiment.flight_args import SUMMARY, read_summary
from drone_ssl_lab.experiment.flight_series import FlightSeries, read_series

METRICS_FILE = "metrics.json"
VERSION = 1  # bump when the figures change meaning: cached files of another version are recomputed
MIN_PAIRS = 10  # fewer (estimate, reference) pairs than this in a window: no figure rather than a noisy one
MONO_PHASES = ("mono", "mono_only")  # flying on mono, with or without stereo training wheels
FINAL_S = 60.0  # "final" accuracy: over the last minute of the flight (or all of a shorter one)
NAN = math.nan


def run_metrics(folder: Path, window_s: float) -> dict[str, Any]:
    """{"scalars": {...}, "windows": [{...}, ...]} of a finished run (cached; recomputed when stale)."""
    cache = folder / METRICS_FILE
    summary = read_summary(folder)
    if summary is None:
        raise ExperimentError(f"{folder} holds no finished run (no readable {SUMMARY}); fly it first")
    try:
        cached = json.loads(cache.read_text())
        fresh = cache.stat().st_mtime >= (folder / SUMMARY).stat().st_mtime
        if fresh and cached.get("version") == VERSION and cached.get("window_s") == window_s:
            return cached
    except (OSError, ValueError):
        pass
    metrics = compute_metrics(folder, summary, window_s)
    cache.write_text(json.dumps(metrics, indent=1, allow_nan=False) + "\n")
    return metrics


def compute_metrics(folder: Path, summary: dict[str, Any], window_s: float) -> dict[str, Any]:
    avoid_m, target_tpr = decision_settings(folder)
    scalars = summary_scalars(summary)
    windows: list[dict[str, Any]] = []
    try:
        series = read_series(folder / "flight.mcap")
    except FlightLogError:  # logging off, or a log that cannot be read: the summary's figures only
        series = None
    if series is not None and series.frames:
        scalars.update(log_scalars(series, summary, avoid_m, target_tpr))
        windows = window_metrics(series, window_s, avoid_m, target_tpr)
    return to_jsonable({"version": VERSION, "window_s": window_s, "log": series is not None,
                       "scalars": scalars, "windows": windows})  # fmt: skip


def decision_settings(folder: Path) -> tuple[float, float]:
    """(perception.avoid_distance_m, learner.target_tpr) the run flew with, from its config.yaml; read leniently
    (keys it lacks take today's defaults) so that runs flown by an older version still report."""
    perception_default, learner_default = PerceptionConfig(), LearnerConfig()
    try:
        data = yaml.safe_load((folder / "config.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    perception = data.get("perception") or {} if isinstance(data, dict) else {}
    learner = data.get("learner") or {} if isinstance(data, dict) else {}
    return (float(perception.get("avoid_distance_m", perception_default.avoid_distance_m)),
            float(learner.get("target_tpr", learner_default.target_tpr)))  # fmt: skip


def summary_scalars(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary's figures, with the per-phase ones folded into stereo and mono flight."""
    time_in, hits = summary.get("time_in_phase_s") or {}, summary.get("collisions_by_phase") or {}
    return {
        "sim_time_s": summary["sim_time_s"],
        "wall_time_s": summary.get("wall_time_s"),
        "collisions": summary["collisions"],
        "distance_flown_m": summary["distance_flown_m"],
        "switch_time_s": summary.get("switch_time_s"),
        "switched": summary.get("switch_time_s") is not None,
        "overrides": summary["overrides"],
        "mono_frames": summary["mono_frames"],
        "stereo_s": time_in.get("stereo", 0.0),
        "stereo_collisions": hits.get("stereo", 0),
        "mono_flight_s": sum(time_in.get(p, 0.0) for p in MONO_PHASES),
        "mono_flight_collisions": sum(hits.get(p, 0) for p in MONO_PHASES),
        "mono_only_s": time_in.get("mono_only", 0.0),
        "mono_only_collisions": hits.get("mono_only", 0),
        "safe_s": time_in.get("safe", 0.0),
        **motion_scalars(summary),
        "cut_stereo_at_s": summary.get("cut_stereo_at_s"),
        "learning_rounds": summary.get("learning_rounds"),
    }


def motion_scalars(summary: dict[str, Any]) -> dict[str, Any]:
    """Metres flown, frames flown ahead and floor cells per stereo and mono flight (None: a run flown by a
    version that did not count them)."""
    by_phase = summary.get("distance_by_phase_m")
    if by_phase is None:
        return {}
    shares, frames = summary.get("forward_share_by_phase") or {}, summary.get("frames_by_phase") or {}
    cells = summary.get("cells_visited_by_phase") or {}
    mono_m = sum(by_phase.get(p, 0.0) for p in MONO_PHASES)
    return {
        "stereo_m": by_phase.get("stereo", 0.0),
        "mono_flight_m": mono_m,
        "mono_only_m": by_phase.get("mono_only", 0.0),
        "flown_m": sum(by_phase.values()),
        "stereo_forward_frames": (shares.get("stereo") or 0.0) * frames.get("stereo", 0),
        "stereo_frames": frames.get("stereo", 0),
        "mono_forward_frames": sum((shares.get(p) or 0.0) * frames.get(p, 0) for p in MONO_PHASES),
        "cells_visited": summary.get("cells_visited"),
        "mono_cells_visited": max((cells.get(p, 0) for p in MONO_PHASES), default=0),
    }


def accuracy(estimate_m: np.ndarray, reference_m: np.ndarray, avoid_m: float, target_tpr: float) -> tuple[float, float]:
    """(MAE in m, ROC AUC of "obstacle within the avoid distance") of an estimate against a reference; NaN when
    fewer than MIN_PAIRS pairs are finite or the AUC is undefined (one class only)."""
    keep = np.isfinite(estimate_m) & np.isfinite(reference_m)
    if keep.sum() < MIN_PAIRS:
        return NAN, NAN
    m = validation_metrics(0.0, 0, estimate_m[keep], reference_m[keep], avoid_m, target_tpr)
    return m.mae_m, m.roc_auc


def log_scalars(series: FlightSeries, summary: dict[str, Any], avoid_m: float, target_tpr: float) -> dict[str, Any]:
    """Mono and stereo accuracy against ground truth (and mono against stereo), over the whole flight, while
    flying on mono, and over the final `FINAL_S`; for a stereo-cut run, what it was doing when stereo went."""
    on_mono = np.isin(series.phase, MONO_PHASES)
    final = series.t >= series.duration_s - FINAL_S
    out: dict[str, Any] = {"log_complete": series.complete, "frames": series.frames}
    for name, estimate, reference, mask in (
        ("mono_gt", series.mono_m, series.true_m, None),
        ("mono_gt_on_mono", series.mono_m, series.true_m, on_mono),
        ("mono_gt_final", series.mono_m, series.true_m, final),
        ("mono_stereo", series.mono_m, series.stereo_m, None),
        ("mono_stereo_final", series.mono_m, series.stereo_m, final),
        ("stereo_gt", series.stereo_m, series.true_m, None),
    ):
        e, r = (estimate, reference) if mask is None else (estimate[mask], reference[mask])
        out[f"{name}_mae_m"], out[f"{name}_auc"] = accuracy(e, r, avoid_m, target_tpr)
    cut = summary.get("cut_stereo_at_s")
    if cut is not None:
        before = series.phase[series.t < cut]
        out["phase_at_cut"] = str(before[-1]) if before.size else None
        out["flown_after_cut_s"] = max(0.0, series.duration_s - cut)
    return out


def window_metrics(series: FlightSeries, window_s: float, avoid_m: float, target_tpr: float) -> list[dict[str, Any]]:
    """The flight in consecutive windows of `window_s`: accuracy, overrides per mono frame, collisions, phase."""
    windows = []
    count = max(1, math.ceil(series.duration_s / window_s - 1e-9))
    for i in range(count):
        lo, hi = i * window_s, (i + 1) * window_s
        inside = (series.t >= lo) & (series.t < hi) if i < count - 1 else series.t >= lo
        if not inside.any():
            continue
        on_mono = np.isin(series.phase[inside], MONO_PHASES)
        hits = series.collisions[inside]
        before = series.collisions[series.t < lo]
        w: dict[str, Any] = {
            "t_start": lo,
            "t_end": min(hi, series.duration_s),
            "frames": int(inside.sum()),
            "mono_frames": int(on_mono.sum()),
            "overrides": int(((series.override_t >= lo) & (series.override_t < hi)).sum()),
            "collisions": int(hits[-1] - (before[-1] if before.size else 0)),
        }
        w["override_share"] = w["overrides"] / w["mono_frames"] if w["mono_frames"] else NAN
        w["mono_share"] = w["mono_frames"] / w["frames"]
        m, s, g = series.mono_m[inside], series.stereo_m[inside], series.true_m[inside]
        w["mono_gt_mae_m"], w["mono_gt_auc"] = accuracy(m, g, avoid_m, target_tpr)
        w["mono_stereo_mae_m"], w["mono_stereo_auc"] = accuracy(m, s, avoid_m, target_tpr)
        w["stereo_gt_mae_m"], w["stereo_gt_auc"] = accuracy(s, g, avoid_m, target_tpr)
        windows.append(w)
    return windows
