"""Write -> read round trip of every channel and event, the stored config and versions, and older logs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from flightlog_fixtures import CONFIG_YAML, MODELS, OVERRIDE_AT_5, SWITCH_AT_10, Flight, WriteFlight

from drone_ssl.arbiter import Decision
from drone_ssl.flightlog import FlightLogReader, LoggedEvent, LoggedFrame, channels
from drone_ssl_lab.data.synthetic_log import SyntheticFrame

FIXTURES = Path(__file__).parent / "fixtures"


def assert_frame_matches(got: LoggedFrame, want: SyntheticFrame, index: int, depth: bool = False) -> None:
    obs = want.observation
    assert got.index == index
    assert got.t == pytest.approx(obs.t, abs=1e-9)
    np.testing.assert_array_equal(got.left, obs.left)
    if obs.right is None:
        assert got.right is None
    else:
        np.testing.assert_array_equal(got.right, obs.right)
    assert got.state == obs.state
    assert got.command == want.command
    assert_decisions_equal(got.decision, want.decision)
    assert got.phase_name == want.decision.phase.value
    assert got.ground_truth == want.ground_truth
    assert got.mono.distance_m == want.mono.distance_m and got.mono.confidence == want.mono.confidence
    np.testing.assert_array_equal(got.mono.profile_m, want.mono.profile_m)
    if want.stereo is None:
        assert got.stereo is None
        return
    assert got.stereo.distance_m == want.stereo.distance_m
    assert got.stereo.valid == want.stereo.valid
    assert (got.stereo.valid_fraction, got.stereo.available) == (want.stereo.valid_fraction, want.stereo.available)
    np.testing.assert_array_equal(got.stereo.profile_m, want.stereo.profile_m)  # NaN where unknown, kept
    if not depth:
        assert got.stereo.depth_m is None
        return
    w = want.stereo.depth_m
    np.testing.assert_array_equal(np.isnan(got.stereo.depth_m), np.isnan(w))
    np.testing.assert_array_equal(np.isinf(got.stereo.depth_m), np.isinf(w))
    finite = np.isfinite(w)
    np.testing.assert_allclose(got.stereo.depth_m[finite], w[finite], atol=0.0005)  # to the millimetre


def test_every_frame_channel_round_trips(shared_flight: Flight) -> None:
    reader = FlightLogReader(shared_flight.path)
    frames = list(reader.frames())
    assert len(frames) == len(shared_flight.frames)
    for i, (got, want) in enumerate(zip(frames, shared_flight.frames, strict=True)):
        assert_frame_matches(got, want, i)
    # The synthetic flight has frames without a right image and frames without a stereo label: both survive.
    assert any(f.right is None for f in frames) and any(f.stereo is not None and not f.stereo.valid for f in frames)
    report = reader.report
    assert report.clean and report.complete and not report.truncated
    assert (report.frames, report.events) == (40, 8)


def test_depth_maps_round_trip_to_the_millimetre(write_flight: WriteFlight) -> None:
    flight = write_flight(frames=12, depth_maps=True)
    for i, (got, want) in enumerate(zip(FlightLogReader(flight.path).frames(), flight.frames, strict=True)):
        assert_frame_matches(got, want, i, depth=True)


def test_events_round_trip_in_order_with_evaluation_only_marked(shared_flight: Flight) -> None:
    records = list(FlightLogReader(shared_flight.path).records())
    events = [r for r in records if isinstance(r, LoggedEvent)]
    kinds = ["override", "phase_switch", "collision", "link", "link", "emergency", "learner", "flight"]
    assert [e.kind for e in events] == kinds
    override, switch, collision, lost, restored, down, learner, end = events
    assert override.t == pytest.approx(0.5) and channels.OVERRIDE.read(override.data) == OVERRIDE_AT_5
    assert channels.PHASE_SWITCH.read(switch.data) == SWITCH_AT_10  # the events read back through the same pair
    assert switch.data["phase"] == "mono"  # a phase is logged by its value, as Foxglove plots and filters it
    assert collision.evaluation_only and not any(e.evaluation_only for e in events if e is not collision)
    assert collision.data == {"where": [1.0, 2.0, 0.9], "speed_mps": 0.4}
    assert lost.data == {"event": "lost"} and restored.data == {"event": "restored", "after_s": 0.1}
    assert down.data == {"event": "down", "reason": "the drone reports an emergency (motors cut)"}
    assert learner.data == {"samples": 200, "test_mae_m": 0.31, "cue": "STEREO"}  # a dataclass, through asdict
    assert end.data == {"event": "end", "frames": 40, "dropped": 0}
    # Each event comes right after the frame it was logged with.
    position = {id(r): k for k, r in enumerate(records)}
    frame_5 = next(r for r in records if isinstance(r, LoggedFrame) and r.index == 5)
    assert position[id(override)] == position[id(frame_5)] + 1


def test_config_and_model_versions_are_stored(shared_flight: Flight) -> None:
    reader = FlightLogReader(shared_flight.path)
    assert reader.config_yaml == CONFIG_YAML
    assert reader.model_versions == MODELS
    origin = reader.metadata.pop("log_time_origin_ns")
    assert reader.metadata == {"drone": "sim", "seed": "7", "log_format": "2"}  # MCAP metadata holds strings
    assert int(origin) == reader.origin_ns > 1.7e18  # the wall clock when the flight started (after 2023)


def test_format_1_logs_still_read(tmp_path: Path) -> None:
    """A log from the writer before Foxglove's protobuf types and wall-clock times (committed fixture)."""
    reader = FlightLogReader(FIXTURES / "flight_format1.mcap")
    records = list(reader.records())
    frames = [r for r in records if isinstance(r, LoggedFrame)]
    assert reader.format == "1" and reader.report.complete
    # Its phase records were free-form ({"phase": "STEREO", "tpr": ...}), not decisions: each is skipped, alone.
    assert reader.report.messages_skipped == len(frames) and all(f.decision is None for f in frames)
    assert [f.t for f in frames] == pytest.approx([i / 10 for i in range(21)])
    assert frames[0].left.shape == (24, 32) and frames[3].stereo.depth_m.shape == (24, 32)
    assert [e.kind for e in records if isinstance(e, LoggedEvent)][:2] == ["override", "phase_switch"]


def assert_decisions_equal(got: Decision, want: Decision) -> None:
    """Every field read back as logged (the profile as float32, NaN kept)."""
    for name in (f.name for f in dataclasses.fields(Decision) if f.name != "profile_m"):
        assert getattr(got, name) == getattr(want, name), name
    np.testing.assert_allclose(got.profile_m, want.profile_m, rtol=1e-6)
