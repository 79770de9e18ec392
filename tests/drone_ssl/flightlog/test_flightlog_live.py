"""The live Foxglove server: a WebSocket client subscribes and receives the flight's images and poses."""

from __future__ import annotations

import base64
import json
import time

import pytest
from flightlog_fixtures import CONFIG_YAML, METADATA, MODELS, RIG
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from drone_ssl.flightlog import FlightLogError, FlightLogWriter
from drone_ssl.flightlog.live import LiveServer
from drone_ssl.flightlog.live_client import LiveSubscriber
from drone_ssl_lab.data.synthetic_log import synthetic_flight

pytest.importorskip("websockets")


def _decoder(channel: dict) -> type:
    """A protobuf class from the schema the server advertised (base64 FileDescriptorSet)."""
    pool = descriptor_pool.DescriptorPool()
    for proto in descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(channel["schema"])).file:
        pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(channel["schemaName"]))


def test_a_websocket_client_receives_images_and_poses() -> None:
    wanted = ("/camera/left", "/drone/pose", "/tf", "/drone/state")
    with (
        LiveServer(port=0) as server,
        FlightLogWriter(None, CONFIG_YAML, MODELS, METADATA, live=server, rig=RIG) as log,
    ):
        assert server.host == "127.0.0.1"  # only this machine unless asked otherwise
        with LiveSubscriber(server.url, wanted) as client:
            received: dict[str, list] = {topic: [] for topic in wanted}
            frames = synthetic_flight(200)
            deadline = time.monotonic() + 10
            while not all(received.values()) and time.monotonic() < deadline:
                frame = next(frames)  # the subscription takes effect a moment later: keep flying until data flow
                log.log_frame(frame.observation, frame.stereo, frame.mono, frame.decision, frame.command)
                for topic, log_time, payload in client.poll(0.05):
                    received[topic].append((log_time, payload))
            channels = client.channels
    assert all(received.values()), {topic: len(got) for topic, got in received.items()}
    image = _decoder(channels["/camera/left"]).FromString(received["/camera/left"][0][1])
    assert (image.format, image.frame_id) == ("png", "camera_left") and image.data[:4] == b"\x89PNG"
    pose = _decoder(channels["/drone/pose"]).FromString(received["/drone/pose"][-1][1])
    assert pose.frame_id == "world" and pose.pose.position.z == pytest.approx(1.0)
    state = json.loads(received["/drone/state"][0][1])
    assert state["flying"] is True and "flight_time_s" in state
    assert received["/camera/left"][0][0] > 1.7e18  # wall-clock log time, as in the file


def test_a_taken_port_is_a_clear_error() -> None:
    with LiveServer(port=0) as first, pytest.raises(FlightLogError, match="--live-port"):
        LiveServer(port=first.port)
