"""What Foxglove sees in a log: every channel valid against its official schema, frames, camera models, times."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest
from flightlog_fixtures import RIG, Flight, WriteFlight
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from mcap.reader import make_reader

from drone_ssl.flightlog import FlightLogReader
from drone_ssl.flightlog.channels import BY_TOPIC
from drone_ssl.flightlog.foxglove_schemas import official_schema
from drone_ssl.flightlog.transforms import OPTICAL, attitude_quaternion
from drone_ssl_app.config import load_config
from drone_ssl_sim.flight_model import FlightModel


def _matrix(q: tuple[float, float, float, float]) -> np.ndarray:
    """The rotation matrix of a unit quaternion (x, y, z, w)."""
    x, y, z, w = q
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _class_from_log(schema_name: str, schema_data: bytes) -> type:
    """A decoder built from the schema stored in the file: what Foxglove itself decodes with."""
    pool = descriptor_pool.DescriptorPool()
    for proto in descriptor_pb2.FileDescriptorSet.FromString(schema_data).file:
        pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(schema_name))


def _strict_json(data: bytes) -> object:
    def reject(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON: Foxglove would reject the message")

    return json.loads(data, parse_constant=reject)


def _messages(flight: Flight) -> dict[str, list[tuple[object, int]]]:
    """Every message, decoded against the schema its channel declares, by topic, with its log time."""
    by_topic: dict[str, list[tuple[object, int]]] = {}
    with open(flight.path, "rb") as f:
        reader = make_reader(f)
        for schema, channel, message in reader.iter_messages():
            spec = BY_TOPIC[channel.topic]
            assert schema.name == spec.schema_name
            if spec.foxglove:
                assert (schema.encoding, channel.message_encoding) == ("protobuf", "protobuf")
                assert schema.data == official_schema(schema.name)  # foxglove-sdk's schema, not a copy
                decoded = _class_from_log(schema.name, schema.data).FromString(message.data)
                assert decoded.SerializeToString() == message.data  # nothing unknown to the schema
            else:
                assert (schema.encoding, channel.message_encoding) == ("jsonschema", "json")
                decoded = _strict_json(message.data)
                jsonschema.validate(decoded, json.loads(schema.data))
            assert (channel.metadata.get("evaluation_only") == "true") == spec.evaluation_only
            by_topic.setdefault(channel.topic, []).append((decoded, message.log_time))
    return by_topic


@pytest.fixture(scope="module")
def messages(shared_flight: Flight) -> dict[str, list[tuple[object, int]]]:
    return _messages(shared_flight)


def test_every_channel_is_valid_against_its_official_or_own_schema(messages: dict) -> None:
    assert set(messages) == set(BY_TOPIC) - {"/stereo/depth"}  # depth maps are off in this flight


def test_depth_is_a_16uc1_raw_image_in_the_left_camera(write_flight: WriteFlight) -> None:
    flight = write_flight(frames=3, depth_maps=True, rig=RIG)
    depth = [m for m, _ in _messages(flight)["/stereo/depth"]]
    assert len(depth) == 3
    for m, frame in zip(depth, flight.frames, strict=True):
        assert (m.encoding, m.width, m.height, m.step, m.frame_id) == ("16UC1", 128, 96, 256, "camera_left")
        mm = np.frombuffer(m.data, "<u2").reshape(96, 128)
        want = frame.stereo.depth_m
        finite = np.isfinite(want)
        np.testing.assert_allclose(mm[finite] / 1000.0, np.clip(want[finite], 0.001, 65.534), atol=0.0006)
        assert (mm[np.isnan(want)] == 0).all()  # unknown stays unknown, not a near obstacle


def test_log_time_is_wall_clock_and_messages_keep_flight_time(shared_flight: Flight, messages: dict) -> None:
    origin = FlightLogReader(shared_flight.path).origin_ns
    want = [round(f.observation.t * 1e9) for f in shared_flight.frames]
    images = messages["/camera/left"]
    assert [t - origin for _, t in images] == want
    for image, log_time in images:
        assert image.timestamp.seconds * 10**9 + image.timestamp.nanos == log_time
        assert (image.format, image.frame_id) == ("png", "camera_left")
    for state, log_time in messages["/drone/state"]:
        assert state["flight_time_s"] == pytest.approx((log_time - origin) / 1e9, abs=1e-9)


def test_cameras_carry_the_stereo_calibration(messages: dict) -> None:
    left, right = messages["/camera/left/calibration"][0][0], messages["/camera/right/calibration"][0][0]
    c = RIG.calibration
    assert (left.frame_id, right.frame_id) == ("camera_left", "camera_right")
    assert (left.width, left.height) == c.image_size and left.distortion_model == "plumb_bob"
    np.testing.assert_allclose(np.reshape(left.K, (3, 3)), c.K1)
    np.testing.assert_allclose(np.reshape(right.K, (3, 3)), c.K2)
    # The right projection holds -fx * baseline: what turns disparity into depth.
    assert right.P[3] == pytest.approx(-c.focal_px * c.baseline_m) and left.P[3] == 0.0


def test_transforms_place_body_and_cameras_and_the_pose_traces_the_path(shared_flight: Flight, messages: dict) -> None:
    frame = shared_flight.frames[20]
    tf = {(t.parent_frame_id, t.child_frame_id): t for t in messages["/tf"][20][0].transforms}
    assert set(tf) == {("world", "body"), ("body", "camera_left"), ("body", "camera_right")}
    body = tf["world", "body"]
    position = frame.observation.state.position
    assert (body.translation.x, body.translation.y, body.translation.z) == pytest.approx(position)
    left, right = tf["body", "camera_left"].translation, tf["body", "camera_right"].translation
    assert (left.x, left.y, right.y) == pytest.approx((0.1, 0.03, -0.03))  # left camera on the body's left (+y)
    pose = messages["/drone/pose"][20][0]
    assert pose.frame_id == "world" and pose.pose.position.x == pytest.approx(position[0])
    assert len(messages["/drone/pose"]) == len(shared_flight.frames)


def test_events_are_foxglove_log_lines(messages: dict) -> None:
    lines = [m for m, _ in messages["/log"]]
    assert [line.name for line in lines][:3] == ["/events/override", "/events/phase_switch", "/events/collision"]
    assert "stereo_distance_m" in lines[0].message and lines[0].level == 3  # WARNING
    assert lines[2].level == 4  # ERROR: a collision


@pytest.mark.parametrize("attitude", [(0.0, 0.0, 0.0), (0.1, -0.2, 0.3), (-0.3, 0.25, -2.5), (0.05, 0.4, 3.0)])
def test_the_body_quaternion_is_the_simulators_rotation(attitude: tuple[float, float, float]) -> None:
    model = FlightModel(load_config().drone, 100.0)
    model.body.roll, model.body.pitch, model.body.yaw = attitude
    got = _matrix(attitude_quaternion(*attitude))
    np.testing.assert_allclose(got, model.rotation(), atol=1e-12)


def test_the_camera_looks_along_the_body_x_axis() -> None:
    optical = _matrix(OPTICAL)  # columns: camera x (right), y (down), z (forward) in body
    np.testing.assert_allclose(optical, [[0, 0, 1], [-1, 0, 0], [0, -1, 0]], atol=1e-12)


def test_a_drone_without_positioning_sits_above_the_origin_and_nan_never_becomes_a_pose() -> None:
    from drone_ssl.flightlog.foxglove_schemas import decode
    from drone_ssl.flightlog.transforms import frame_transforms, pose_in_world
    from drone_ssl.types import DroneState

    def children(state: DroneState) -> dict:
        transforms = decode("foxglove.FrameTransforms", frame_transforms(10, state, RIG).encode()).transforms
        return {t.child_frame_id: t for t in transforms}

    unpositioned = DroneState(None, (0.0, 0.0, 0.0), (0.0, 0.0, 0.5), 1.2, 80.0, True)
    tf = children(unpositioned)
    assert (tf["body"].translation.x, tf["body"].translation.z) == (0.0, pytest.approx(1.2))
    assert pose_in_world(10, unpositioned) is None  # no path without positioning
    broken = DroneState((1.0, 2.0, 1.0), (0.0, 0.0, 0.0), (float("nan"), 0.0, 0.0), 1.0, 80.0, True)
    assert set(children(broken)) == {"camera_left", "camera_right"}
    assert pose_in_world(10, broken) is None
