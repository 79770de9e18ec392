"""The `fly.py --sim` arguments of one run, resolving what it builds on: a stereo cut time or a learned model."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from drone_ssl_lab.experiment.errors import ExperimentError
from drone_ssl_lab.experiment.grid import FlightSettings, RunSpec

SUMMARY = "summary.json"


@dataclass(frozen=True)
class Skip:
    """The run is not flown, for a reason the report shows (e.g. its persistent run never switched)."""

    reason: str


def read_summary(folder: Path) -> dict | None:
    """A finished run's summary.json, or None while the run is missing or unfinished. fly.py writes a summary on
    every exit; one that a signal or an error ended (`ended_by` other than "done") is not a finished run."""
    try:
        summary = json.loads((folder / SUMMARY).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or summary.get("ended_by", "done") != "done":
        return None
    return summary


def cut_time(source: dict, cut_delay_s: float) -> float | Skip:
    """persistent_cut: stereo goes `cut_delay_s` after the persistent run's own switch to mono.

    The seeded flight replays that run exactly up to the cut, so the cut always falls in its mono flight; a run
    that never switched, or switched too late to leave any flight after the cut, gives nothing to measure.
    """
    switch = source.get("switch_time_s")
    if switch is None:
        return Skip("its persistent run never switched to mono, so there is no mono flight to cut stereo under")
    cut = float(switch) + cut_delay_s
    if cut >= float(source["sim_time_s"]):
        return Skip(f"its persistent run switched at {switch:.0f} s, too late to cut {cut_delay_s:g} s later")
    return round(cut, 3)


def fly_arguments(
    spec: RunSpec, settings: FlightSettings, out: Path, config_file: Path | None, source_folder: Path | None
) -> list[str] | Skip:
    """The arguments after `fly.py`; raises ExperimentError when the run it builds on has not finished."""
    args = ["--sim", "--seed", str(spec.seed), "--duration", f"{settings.duration_s:g}",
            "--strategy", spec.strategy, "--estimator", spec.estimator, "--out", str(out)]  # fmt: skip
    if config_file is not None:
        args += ["--config", str(config_file)]
    for override in settings.overrides:
        args += ["--set", override]
    if spec.source is None:
        return args
    source = read_summary(source_folder) if source_folder is not None else None
    if source is None:
        raise ExperimentError(f"{spec.id} builds on {spec.source.id}, which has not finished; fly that one first")
    if spec.condition == "persistent_cut":
        cut = cut_time(source, settings.cut_delay_s)
        return cut if isinstance(cut, Skip) else [*args, "--cut-stereo-at", f"{cut:g}"]
    model = source_folder / str(source.get("model", ""))
    if not source.get("model") or not model.is_file():
        return Skip(f"its source run {spec.source.id} saved no model")
    return [*args, "--model", str(model)]
