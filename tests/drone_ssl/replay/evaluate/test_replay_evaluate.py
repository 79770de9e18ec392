"""Open-loop evaluation: errors against stereo (and ground truth, evaluation only), the decisions a model would
have changed, and whether it would have caught the obstacles that made the training wheels fire."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from replay_logs import distances

from drone_ssl.flightlog import FlightLogError
from drone_ssl.mono import MonoReading
from drone_ssl.replay import LogReplay
from drone_ssl.replay.evaluate.open_loop_evaluation import evaluate


class Constant:
    """A stand-in model that always says the same distance."""

    def __init__(self, distance_m: float) -> None:
        self.distance_m = distance_m

    def predict(self, left: np.ndarray) -> MonoReading:
        return MonoReading(self.distance_m, 0.5)


def test_a_cautious_model_changes_the_clear_decisions_and_catches_every_override(mono_flight: Path) -> None:
    figures, changed = evaluate([mono_flight], Constant(0.5), avoid_m=1.2, target_tpr=0.95)
    truth = distances(40, 5)
    assert figures["frames"] == figures["stereo_labelled_frames"] == 40
    assert figures["new_model_vs_stereo"]["mae_m"] == pytest.approx(np.abs(truth - 0.5).mean(), rel=1e-4)
    decisions = figures["decisions"]
    # Mono said 2 m in flight (clear at 1.2 m): the new model says obstacle on every frame.
    assert decisions["changed"] == decisions["clear_to_obstacle"] == len(changed) == 40
    assert decisions["changed_on_frames_flown_on_mono"] == 38  # the two override frames flew on stereo
    assert decisions["changes_stereo_agrees_with"] == int((truth < 1.2).sum())
    overrides = figures["overrides"]
    assert overrides["count"] == overrides["caught_by_new_model"] == 2
    assert [d["t"] for d in overrides["details"]] == [2.0, 4.0] and overrides["details"][0]["warning_lead_s"] == 1.0
    truth_scores = figures["evaluation_only_vs_ground_truth"]["new_model"]
    assert truth_scores["mae_m"] == pytest.approx(np.abs(0.9 * truth - 0.5).mean(), rel=1e-4)


def test_a_model_that_agrees_with_the_flight_changes_nothing_and_misses_the_overrides(mono_flight: Path) -> None:
    figures, changed = evaluate([mono_flight], Constant(2.0), avoid_m=1.2, target_tpr=0.95)
    assert figures["decisions"]["changed"] == 0 and changed == []
    assert figures["overrides"]["caught_by_new_model"] == 0


def test_the_logged_mono_threshold_follows_the_learner(flights: list[Path]) -> None:
    frames = list(LogReplay([flights[0]]).frames())
    # Flown on stereo: mono's threshold is the avoidance distance until the learner reports its ROC choice.
    assert {f.logged_threshold_m for f in frames[:31]} == {1.2} and {f.logged_threshold_m for f in frames[31:]} == {1.5}
    assert all(np.isnan(f.mono_m) for f in frames) and frames[0].decision.phase.value == "stereo"


def test_an_unreadable_log_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mcap"
    empty.write_bytes(b"")
    with pytest.raises(FlightLogError, match="is empty"):
        evaluate([empty], Constant(1.0), 1.2, 0.95)
