"""A logged flight drawn and summed up: the live flight's plots and summary figures, a timeline, and summary.md."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from drone_ssl.atomic_file import write_text_atomically
from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.flight_report import plot_flight, summarise, summary_table
from drone_ssl.flight_stats import FlightStats
from drone_ssl.flightlog import FlightLogReader, LoggedEvent
from drone_ssl.learner.metrics import ValidationMetrics
from drone_ssl.plots import plot_series
from drone_ssl.replay.logs import describe, log_label
from drone_ssl.replay.open_loop import LogReplay, ReplayedFrame, logged_avoid_distance
from drone_ssl.replay.outputs import fresh_folder
from drone_ssl.replay.report.timeline_plot import plot_timeline
from drone_ssl.replay.scoring import replay_columns, score

DEFAULT_FRAME_PERIOD_S = 0.1


def _flight_config(config_yaml: str | None) -> dict:
    try:
        config = yaml.safe_load(config_yaml or "")
    except yaml.YAMLError:
        return {}
    return config if isinstance(config, dict) else {}


def _setting(config: dict, *keys: str) -> float | None:
    for key in keys:
        config = config.get(key) if isinstance(config, dict) else None
    return float(config) if isinstance(config, (int, float)) else None


def _learning_curve(events: list[tuple[Path, LoggedEvent]]) -> list[ValidationMetrics]:
    """The learner's logged validation metrics (those with every field of ValidationMetrics)."""
    names = [f.name for f in fields(ValidationMetrics)]
    required = [f.name for f in fields(ValidationMetrics) if f.default is MISSING]  # older logs lack the rest
    history = []
    for _, event in events:
        if event.kind == "learner" and set(required) <= set(event.data):
            values = {k: math.nan if event.data.get(k) is None else event.data[k] for k in names}
            history.append(ValidationMetrics(**values))
    return history


def logged_frame_period_s(t: np.ndarray) -> float:
    """The flight's frame period from its own frame times (the median step), whichever device flew it; the
    default when fewer than two finite, increasing times were logged."""
    steps = np.diff(t[np.isfinite(t)])
    steps = steps[steps > 0]
    return float(np.median(steps)) if steps.size else DEFAULT_FRAME_PERIOD_S


def _stats(frames: list[ReplayedFrame], frame_period_s: float) -> tuple[FlightStats, int]:
    """The live flight's statistics, rebuilt from the frames whose decision was logged; and how many lacked one."""
    stats = FlightStats(frame_period_s)
    missing = 0
    for f in frames:
        if f.decision is None:
            missing += 1
            continue
        stereo = None if math.isnan(f.stereo_m) else f.stereo_m
        mono = None if math.isnan(f.logged_mono_m) else f.logged_mono_m
        truth = None if math.isnan(f.truth_m) else f.truth_m
        forward = f.command is not None and f.command.flies_ahead
        stats.add(f.t, f.decision, f.state, stereo, mono, truth, f.collisions, forward=forward)
    return stats, missing


def _collision_xy(frames: list[ReplayedFrame], events: list[tuple[Path, LoggedEvent]]) -> np.ndarray:
    """Where each logged collision happened: the position of the frame nearest in time, when it is known."""
    t = np.array([f.t for f in frames])
    points = []
    for _, event in events:
        if event.kind == "collision" and len(t):
            position = frames[int(np.abs(t - event.t).argmin())].state.position
            if position is not None:
                points.append(position[:2])
    return np.array(points, dtype=np.float64).reshape(-1, 2)


def _markdown(log: Path, reader: FlightLogReader, figures: dict[str, Any], events: list[tuple[Path, LoggedEvent]],
              plots: list[Path]) -> str:  # fmt: skip
    lines = [f"# Flight report: {log.name}", ""]
    meta = ", ".join(f"{k}={v}" for k, v in {**reader.metadata, **reader.model_versions}.items())
    lines += [f"- log: `{log}`", f"- flight: {meta or 'no metadata'}", f"- read: {figures.pop('read')}", ""]
    lines += ["## Figures", "", "```", summary_table(figures), "```", ""]
    counts = Counter(event.kind for _, event in events)
    lines += ["## Events", "", ", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) or "none", ""]
    for _, event in events:
        if event.kind in ("phase_switch", "override", "collision", "link", "emergency"):
            detail = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in event.data.items()
                               if k != "t")  # fmt: skip
            lines.append(f"- t={event.t:.2f} s {event.kind}: {detail}")
    lines += ["", "Ground truth (collisions, true distance) comes from the simulator: evaluation only.", ""]
    lines += ["## Plots", ""] + [f"![{p.stem}]({p.name})" for p in plots]
    return "\n".join(lines) + "\n"


def write_report(log: Path, out: Path, perception: PerceptionConfig, target_tpr: float) -> list[Path]:
    """PNGs (trajectory when the pose is known, distances, learning curve, timeline) and summary.md in `out`,
    which must be new or empty; returns the files written."""
    replay = LogReplay([log], None, perception.avoid_distance_m)
    reader = replay.readers[0]
    columns = replay_columns(replay)
    frames, events = columns.frames, replay.events
    fresh_folder(out, "report")
    config = _flight_config(reader.config_yaml)
    stats, missing = _stats(frames, logged_frame_period_s(columns.column("t")))
    history = _learning_curve(events)
    avoid = logged_avoid_distance(reader.config_yaml, perception.avoid_distance_m)
    title = log_label(log)
    scene = reader.scene()  # the room as the simulator logged it; None for a real flight (no ground truth)
    real = reader.metadata.get("drone") not in (None, "sim")  # a real drone flew: no room to pretend
    # An older simulator log without /scene still gets the bare room from its config.
    room_m = scene.size_m if scene is not None else None if real else _setting(config, "sim", "room", "size_m")
    footprints = scene.footprints() if scene is not None else []
    plots = plot_flight(out, stats, history, room_m, footprints, _collision_xy(frames, events), avoid, title)
    t = columns.column("t")
    if not stats.trace:  # no decisions logged: the distances still tell the story
        series = {"stereo label": columns.column("stereo_m"), "mono estimate": columns.column("logged_mono_m")}
        plots.append(out / "distances.png")
        plot_series(plots[-1], t, series, "distance (m)", "nearest obstacle ahead", {"avoid distance": avoid})
    plots.append(out / "timeline.png")
    plot_timeline(plots[-1], t, [f.phase or "" for f in frames], [(e.t, e.kind) for _, e in events], title)
    figures = summarise(stats, history, 0.0, {"log": log_label(log), "frames_without_decision": missing})
    for live_only in ("wall_time_s", "real_time_factor"):  # a replay has no wall clock of the flight
        figures.pop(live_only, None)
    figures["logged_mono_vs_stereo"] = score(
        columns.column("logged_mono_m"), columns.column("stereo_m"), avoid, target_tpr, None
    )
    figures["read"] = describe(replay.reports[0]) if replay.reports else "not read"
    summary = out / "summary.md"
    write_text_atomically(summary, _markdown(log, reader, figures, events, plots))
    return [*plots, summary]
