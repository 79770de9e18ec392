"""FlightStats: time, collisions and distance per flight, as the summary and the plots report them."""

from __future__ import annotations

import math

import pytest

from drone_ssl.arbiter import Decision, Phase
from drone_ssl.arbiter.events import OverrideEvent, PhaseSwitch
from drone_ssl.flight_stats import FlightStats
from drone_ssl.types import DroneState

PERIOD = 0.1


def decision(t: float, phase: Phase = Phase.STEREO, **extra: object) -> Decision:
    return Decision(t, phase, "stereo", False, 2.0, None, 1.0, **extra)


def state(position: tuple[float, float, float] | None = None, speed: tuple[float, float] = (0.0, 0.0)) -> DroneState:
    return DroneState(position, (speed[0], speed[1], 0.0), (0.0, 0.0, 0.0), 1.0, 90.0, True)


def add(stats: FlightStats, t: float, *, phase: Phase = Phase.STEREO, st: DroneState | None = None, **kw) -> None:
    d = kw.pop("decision", None) or decision(t, phase)
    readings = {"stereo_m": None, "mono_m": None, "true_m": None, "collisions_total": None} | kw
    stats.add(t, d, st or state(), **readings)


def test_distance_from_positions_ignores_height() -> None:
    stats = FlightStats(PERIOD)
    for t, p in [(0.0, (0.0, 0.0, 1.0)), (0.1, (3.0, 4.0, 1.5)), (0.2, (3.0, 5.0, 0.5))]:
        add(stats, t, st=state(p))
    assert stats.distance_flown_m == pytest.approx(6.0)


def test_distance_from_velocity_uses_the_interval_since_the_previous_frame() -> None:
    """A real drone: no position, the navdata speed times the time since the frame before (none on the first)."""
    stats = FlightStats(PERIOD)
    frames = [(10.0, (1.0, 0.0)), (10.1, (2.0, 0.0)), (10.4, (3.0, 4.0)), (10.5, (1.0, 0.0))]
    for t, v in frames:
        add(stats, t, st=state(speed=v))
    # 10.1: 2 m/s * 0.1 s; 10.4: 5 m/s * 0.3 s; 10.5: 1 m/s * 0.1 s
    assert stats.distance_flown_m == pytest.approx(0.2 + 1.5 + 0.1)


def test_time_per_phase_counts_each_frame_for_the_time_since_the_previous_one() -> None:
    stats = FlightStats(PERIOD)
    for t, phase in [(5.0, Phase.STEREO), (5.1, Phase.STEREO), (5.4, Phase.MONO), (5.5, Phase.MONO_ONLY)]:
        add(stats, t, phase=phase)
    assert stats.time_in_phase_s["stereo"] == pytest.approx(0.2)  # the first frame counts one frame period
    assert stats.time_in_phase_s["mono"] == pytest.approx(0.3)
    assert stats.time_in_phase_s["mono_only"] == pytest.approx(0.1)
    assert stats.flight_time_s == pytest.approx(0.6)
    assert (stats.frames, stats.mono_frames, stats.first_t, stats.last_t) == (4, 2, 5.0, 5.5)


def test_collisions_are_counted_in_the_phase_they_happen_and_per_ten_minutes() -> None:
    stats = FlightStats(PERIOD)
    add(stats, 0.0, collisions_total=0)
    add(stats, 30.0, collisions_total=2)  # two new collisions in STEREO
    add(stats, 60.0, phase=Phase.MONO, collisions_total=2)
    add(stats, 120.0, phase=Phase.MONO, collisions_total=3)
    add(stats, 130.0, phase=Phase.MONO)  # no ground truth: nothing counted
    assert stats.collisions == 3
    assert dict(stats.collisions_by_phase) == {"stereo": 2, "mono": 1}
    assert stats.per_ten_minutes("stereo") == pytest.approx(600.0 * 2 / 30.1)
    assert stats.per_ten_minutes("mono") == pytest.approx(600.0 * 1 / 100.0)
    assert stats.per_ten_minutes("safe") is None  # no time spent there
    assert [f.collisions for f in stats.trace] == [0, 2, 2, 3, 3]


def test_overrides_stereo_labels_and_the_learned_switch_time() -> None:
    stats = FlightStats(PERIOD)
    override = OverrideEvent(1.0, 0.4, 2.0, 1.0, 3.0)
    back = PhaseSwitch(1.5, Phase.MONO_ONLY, Phase.MONO, "stereo back")
    learned = PhaseSwitch(2.0, Phase.STEREO, Phase.MONO, "mono validated")
    later = PhaseSwitch(4.0, Phase.STEREO, Phase.MONO, "mono validated")
    add(stats, 0.5, stereo_m=2.0)
    add(stats, 1.0, decision=decision(1.0, Phase.MONO, override=True, override_event=override), stereo_m=0.4)
    add(stats, 1.5, decision=decision(1.5, Phase.MONO, switch=back))  # a return, not the learned switch
    add(stats, 2.0, decision=decision(2.0, Phase.MONO, switch=learned))
    add(stats, 4.0, decision=decision(4.0, Phase.MONO, switch=later))  # only the first learned switch counts
    assert stats.overrides == 1
    assert stats.stereo_labels == 2
    assert stats.switch_time_s == pytest.approx(2.0)  # flight time, as the log and its events say (not since frame 1)


def test_the_trace_keeps_what_the_plots_need_with_nan_for_missing_readings() -> None:
    stats = FlightStats(PERIOD)
    add(stats, 0.0, st=state((1.0, 2.0, 1.0)), stereo_m=2.5, mono_m=None, true_m=2.4, collisions_total=0)
    add(stats, 0.1, phase=Phase.SAFE, mono_m=3.0)
    first, second = stats.trace
    assert (first.t, first.phase, first.position) == (0.0, "stereo", (1.0, 2.0, 1.0))
    assert (first.stereo_m, first.true_m, first.collisions) == (2.5, 2.4, 0)
    assert math.isnan(first.mono_m)
    assert second.phase == "safe" and second.position is None and second.mono_m == 3.0
    assert math.isnan(second.stereo_m) and math.isnan(second.true_m)
