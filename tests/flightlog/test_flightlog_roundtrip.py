"""Write -> read round trip of every channel and event, the stored config and versions, and Foxglove's view."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import CONFIG_YAML, MODELS, Flight, WriteFlight
from mcap.reader import make_reader

from drone_ssl.flightlog import FlightLogReader, LoggedEvent, LoggedFrame
from drone_ssl.flightlog.channels import BY_TOPIC
from drone_ssl.flightlog.synthetic import SyntheticFrame


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
    assert got.phase == want.phase and got.phase_name == want.phase["phase"]
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
    assert (report.frames, report.events) == (40, 7)


def test_depth_maps_round_trip_to_the_millimetre(write_flight: WriteFlight) -> None:
    flight = write_flight(frames=12, depth_maps=True)
    for i, (got, want) in enumerate(zip(FlightLogReader(flight.path).frames(), flight.frames, strict=True)):
        assert_frame_matches(got, want, i, depth=True)


def test_events_round_trip_in_order_with_evaluation_only_marked(shared_flight: Flight) -> None:
    records = list(FlightLogReader(shared_flight.path).records())
    events = [r for r in records if isinstance(r, LoggedEvent)]
    assert [e.kind for e in events] == ["override", "phase_switch", "collision", "link", "link", "learner", "flight"]
    override, switch, collision, lost, restored, learner, end = events
    assert override.t == pytest.approx(0.5) and override.data == {"reason": "training wheels", "evidence": 3.5}
    assert switch.data == {"from": "STEREO", "to": "MONO", "tpr": 0.97}  # enums are logged by name
    assert collision.evaluation_only and not any(e.evaluation_only for e in events if e is not collision)
    assert collision.data == {"where": [1.0, 2.0, 0.9], "speed_mps": 0.4}
    assert lost.data == {"event": "lost"} and restored.data == {"event": "restored", "after_s": 0.1}
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
    assert reader.metadata == {"drone": "sim", "seed": "7", "log_format": "1"}  # MCAP metadata holds strings


def _validate(value: object, schema: dict, where: str) -> None:
    """The subset of JSON Schema the log's schemas use: type (incl. lists), properties, required, items."""
    types = schema.get("type")
    if types is not None:
        allowed = {types} if isinstance(types, str) else set(types)
        kinds = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
        kind = "null" if value is None else kinds[type(value)]
        assert kind in allowed or (kind == "integer" and "number" in allowed), f"{where}: {kind} not in {allowed}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _validate(value[key], sub, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for k, item in enumerate(value):
            _validate(item, schema["items"], f"{where}[{k}]")


def _strict_json(data: bytes) -> object:
    def reject(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON: Foxglove would reject the message")

    return json.loads(data, parse_constant=reject)


def test_foxglove_sees_json_schema_channels_and_compressed_images(shared_flight: Flight) -> None:
    """Read with mcap's own indexed reader, as Foxglove does: every message is strict JSON matching its schema."""
    with open(shared_flight.path, "rb") as f:
        reader = make_reader(f)
        summary = reader.get_summary()
        assert summary is not None and summary.statistics.message_count > 0
        topics = set()
        for schema, channel, message in reader.iter_messages():
            topics.add(channel.topic)
            assert (schema.encoding, channel.message_encoding) == ("jsonschema", "json")
            assert schema.name == BY_TOPIC[channel.topic].schema_name
            payload = _strict_json(message.data)
            _validate(payload, json.loads(schema.data), channel.topic)
            if schema.name == "foxglove.CompressedImage":
                assert payload["format"] == "png"
                stamp = payload["timestamp"]
                assert stamp["sec"] * 10**9 + stamp["nsec"] == message.log_time
            assert (channel.metadata.get("evaluation_only") == "true") == (
                channel.topic in ("/eval/ground_truth", "/events/collision")
            )
        attachments = list(reader.iter_attachments())
        assert [(a.name, a.media_type, a.data) for a in attachments] == [
            ("config.yaml", "application/yaml", CONFIG_YAML.encode())
        ]
    assert {"/camera/left", "/camera/right", "/stereo/reading", "/mono/reading", "/arbiter/phase", "/command"} <= topics
    assert {"/drone/state", "/eval/ground_truth", "/events/collision", "/learner/metrics"} <= topics


def test_log_time_is_the_flight_time_in_nanoseconds(shared_flight: Flight) -> None:
    with open(shared_flight.path, "rb") as f:
        times = {m.log_time for _, c, m in make_reader(f).iter_messages() if c.topic == "/camera/left"}
    assert times == {round(f.observation.t * 1e9) for f in shared_flight.frames}
    assert not math.isnan(min(times))
