"""Open-loop evaluation: a mono model replayed over logged flights, scored against the logged stereo labels (and
ground truth, evaluation only), and the obstacle decisions and training-wheel overrides it would have changed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from drone_ssl.mono.reading import MonoEstimator
from drone_ssl.replay.logs import describe, log_label
from drone_ssl.replay.open_loop import LogReplay
from drone_ssl.replay.scoring import Columns, replay_columns, score

OVERRIDE_WINDOW_S = 1.0  # how long before an override the new model may have said "obstacle" to count as a catch


def _decision_changes(columns: Columns, new_obstacle: np.ndarray, avoid_m: float) -> tuple[dict, list[dict]]:
    frames = columns.frames
    logged_mono = columns.column("logged_mono_m")
    compared = np.isfinite(logged_mono) & np.isfinite(columns.column("mono_m"))
    logged_obstacle = np.array([f.logged_mono_obstacle for f in frames])
    changed = compared & (logged_obstacle != new_obstacle)
    stereo = columns.column("stereo_m")
    stereo_says = np.where(np.isfinite(stereo), stereo < avoid_m, False)
    judged = changed & np.isfinite(stereo)
    flown = np.array([f.cue == "mono" for f in frames])
    rows = [
        {
            "log": log_label(f.log), "frame": f.index, "t": round(f.t, 3), "phase": f.phase, "cue": f.cue,
            "stereo_m": f.stereo_m, "logged_mono_m": f.logged_mono_m, "logged_threshold_m": f.logged_threshold_m,
            "new_mono_m": f.mono_m, "logged_decision": "obstacle" if logged_obstacle[i] else "clear",
            "new_decision": "obstacle" if new_obstacle[i] else "clear",
            "stereo_decision": "" if not np.isfinite(stereo[i]) else "obstacle" if stereo_says[i] else "clear",
        }
        for i, f in enumerate(frames) if changed[i]
    ]  # fmt: skip
    summary = {
        "frames_compared": int(compared.sum()),
        "changed": int(changed.sum()),
        "clear_to_obstacle": int((changed & new_obstacle).sum()),
        "obstacle_to_clear": int((changed & ~new_obstacle).sum()),
        "changed_on_frames_flown_on_mono": int((changed & flown).sum()),
        "changes_stereo_agrees_with": int((judged & (new_obstacle == stereo_says)).sum()),
        "changes_stereo_disagrees_with": int((judged & (new_obstacle != stereo_says)).sum()),
    }
    return summary, rows


def _overrides(replay: LogReplay, columns: Columns, new_obstacle: np.ndarray, window_s: float) -> dict:
    """For each logged training-wheel override: would the new model have said "obstacle" itself, by the
    override's frame or within `window_s` before it (while the wheels were building up evidence)?"""
    logs = np.array([str(f.log) for f in columns.frames])
    t = columns.column("t")
    mono = columns.column("mono_m")
    details = []
    for path, event in replay.events:
        if event.kind != "override":
            continue
        near = (logs == str(path)) & (t <= event.t + 1e-6) & (t >= event.t - window_s)
        said = near & new_obstacle
        at = np.flatnonzero((logs == str(path)) & (np.abs(t - event.t) < 1e-6))
        details.append(
            {
                "log": log_label(path),
                "t": round(event.t, 3),
                "stereo_m": event.data.get("stereo_distance_m"),
                "logged_mono_m": event.data.get("mono_distance_m"),
                "new_mono_m": None if not at.size or not np.isfinite(mono[at[0]]) else float(mono[at[0]]),
                "caught": bool(said.any()),
                "warning_lead_s": round(float(event.t - t[said].min()), 3) if said.any() else None,
            }
        )
    return {
        "count": len(details),
        "caught_by_new_model": sum(d["caught"] for d in details),
        "window_s": window_s,
        "details": details,
    }


def evaluate(
    logs: Sequence[Path],
    estimator: MonoEstimator,
    avoid_m: float,
    target_tpr: float,
    threshold_m: float | None = None,
    override_window_s: float = OVERRIDE_WINDOW_S,
) -> tuple[dict[str, Any], list[dict]]:
    """Replay `estimator` over the logs. Returns the JSON-ready figures and the frames whose obstacle decision it
    would have changed. The new model says "obstacle" below `threshold_m` (default the avoidance distance)."""
    threshold = avoid_m if threshold_m is None else threshold_m
    replay = LogReplay(logs, estimator, avoid_m)
    columns = replay_columns(replay)
    mono, logged = columns.column("mono_m"), columns.column("logged_mono_m")
    stereo, truth = columns.column("stereo_m"), columns.column("truth_m")
    new_obstacle = np.where(np.isfinite(mono), mono < threshold, False)
    changes, rows = _decision_changes(columns, new_obstacle, avoid_m)
    figures: dict[str, Any] = {
        "logs": [describe(r) for r in replay.reports],
        "frames": len(columns.frames),
        "stereo_labelled_frames": int(np.isfinite(stereo).sum()),
        "new_model_readings": int(np.isfinite(mono).sum()),
        "avoid_distance_m": avoid_m,
        "new_model_threshold_m": threshold,
        "new_model_vs_stereo": score(mono, stereo, avoid_m, target_tpr, threshold),
        "logged_mono_vs_stereo": score(logged, stereo, avoid_m, target_tpr, None),
        "decisions": changes,
        "overrides": _overrides(replay, columns, new_obstacle, override_window_s),
    }
    if np.isfinite(truth).any():
        figures["evaluation_only_vs_ground_truth"] = {
            "new_model": score(mono, truth, avoid_m, target_tpr, threshold),
            "logged_mono": score(logged, truth, avoid_m, target_tpr, None),
            "stereo": score(stereo, truth, avoid_m, target_tpr, avoid_m),
        }
    return figures, rows
