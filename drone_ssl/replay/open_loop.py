"""Replay logged flights frame by frame, optionally running a mono estimator open-loop on each left image."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from drone_ssl.arbiter import Decision
from drone_ssl.flightlog import FlightLogReader, LoggedEvent, LoggedFrame, ReadReport
from drone_ssl.mono.reading import MonoEstimator
from drone_ssl.types import Command, DroneState

NAN = math.nan
# Ground-truth keys: the pilot logs its Evaluation (nearest_ahead_m); other writers may say distance_m.
TRUTH_KEYS = ("nearest_ahead_m", "distance_m")


@dataclass(frozen=True)
class ReplayedFrame:
    """What one logged frame said, and what the replayed estimator says about its left image (NaN: nothing)."""

    log: Path
    index: int
    t: float
    phase: str | None  # the arbiter's phase as logged, lower case (stereo, mono, mono_only, safe)
    cue: str | None  # the cue that flew: stereo or mono
    decision: Decision | None  # the arbiter's decision, when the log holds one
    stereo_m: float  # the stereo label
    logged_mono_m: float  # what mono said in flight
    logged_threshold_m: float  # the distance under which mono's reading meant "obstacle" in flight
    mono_m: float  # what the replayed estimator says
    truth_m: float  # simulator ground truth: evaluation only
    collisions: int | None  # simulator ground truth, collisions so far: evaluation only
    state: DroneState
    command: Command | None = None  # what was sent (None: nothing, e.g. while landing)

    @property
    def logged_mono_obstacle(self) -> bool:
        return self.logged_mono_m < self.logged_threshold_m


def _finite(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return NAN
    return number if math.isfinite(number) else NAN


def logged_avoid_distance(config_yaml: str | None, default: float) -> float:
    """perception.avoid_distance_m of the config the flight ran with (`default` when the log lacks it)."""
    try:
        config = yaml.safe_load(config_yaml or "") or {}
        value = _finite(config["perception"]["avoid_distance_m"])
    except (yaml.YAMLError, KeyError, TypeError):
        return default
    return default if math.isnan(value) else value


class LogReplay:
    """Streams the frames of several logs in turn; events and each log's read report are kept as they pass.

    The logged mono threshold is the one the arbiter compared mono with on frames flown on mono, and otherwise
    the learner's latest ROC threshold (its metrics events), starting from the flight's avoidance distance.
    """

    def __init__(
        self, paths: Sequence[str | Path], estimator: MonoEstimator | None = None, avoid_distance_m: float = 1.2
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.estimator = estimator
        self.default_avoid_m = avoid_distance_m
        self.events: list[tuple[Path, LoggedEvent]] = []
        self.reports: list[ReadReport] = []
        self.readers = [FlightLogReader(p) for p in self.paths]  # fails early on a missing or foreign file

    def frames(self) -> Iterator[ReplayedFrame]:
        self.events, self.reports = [], []
        for reader in self.readers:
            threshold = logged_avoid_distance(reader.config_yaml, self.default_avoid_m)
            for record in reader.records():
                if isinstance(record, LoggedEvent):
                    self.events.append((reader.path, record))
                    learned = _finite(record.data.get("threshold_m")) if record.kind == "learner" else NAN
                    threshold = threshold if math.isnan(learned) else learned
                    continue
                yield self._replay(reader.path, record, threshold)
            if reader.report is not None:
                self.reports.append(reader.report)

    def _replay(self, path: Path, frame: LoggedFrame, learned_threshold: float) -> ReplayedFrame:
        decision = frame.decision
        cue = None if decision is None else decision.cue
        flown = _finite(decision.threshold_m) if decision is not None and cue == "mono" else NAN
        mono = NAN
        if self.estimator is not None:
            reading = self.estimator.predict(frame.left)
            mono = NAN if reading.distance_m is None else float(reading.distance_m)
        collisions, gt = None, frame.ground_truth or {}
        truth = next((_finite(gt[k]) for k in TRUTH_KEYS if k in gt), NAN)
        if isinstance(gt.get("collisions"), int):
            collisions = gt["collisions"]
        return ReplayedFrame(
            log=path,
            index=frame.index,
            t=frame.t,
            phase=frame.phase_name,
            cue=cue,
            decision=decision,
            stereo_m=NAN if frame.stereo is None else _finite(frame.stereo.distance_m),
            logged_mono_m=NAN if frame.mono is None else _finite(frame.mono.distance_m),
            logged_threshold_m=learned_threshold if math.isnan(flown) else flown,
            mono_m=mono,
            truth_m=truth,
            collisions=collisions,
            state=frame.state,
            command=frame.command,
        )
