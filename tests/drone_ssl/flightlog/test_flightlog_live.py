"""The live Foxglove server: a WebSocket client subscribes and receives the flight's images and poses."""

from __future__ import annotations

import base64
import contextlib
import json
import struct
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


def _advertised(ws: object, deadline: float) -> tuple[dict[str, dict], list[dict]]:
    """Channels and services the server advertised, read until both came or the deadline passed."""
    channels: dict[str, dict] = {}
    services: list[dict] = []
    while (not channels or not services) and time.monotonic() < deadline:
        message = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if message["op"] == "advertise":
            channels.update({c["topic"]: c for c in message["channels"]})
        elif message["op"] == "advertiseServices":
            services += message["services"]
    return channels, services


def test_a_foxglove_sdk_v1_client_that_connects_late_still_gets_the_room() -> None:
    """An independent client (websockets, no drone_ssl code): the room was published before it connected; the
    server's latch sends it again, with the frames' channels."""
    from test_flightlog_scene import ROOM
    from websockets.sync.client import connect

    from drone_ssl.flightlog.live import LATCH_PERIOD_S

    with (
        LiveServer(port=0) as server,
        FlightLogWriter(None, CONFIG_YAML, MODELS, METADATA, live=server, rig=RIG) as log,
    ):
        log.log_scene(0.0, ROOM)
        with connect(server.url, subprotocols=["foxglove.sdk.v1"], open_timeout=5) as ws:
            assert ws.subprotocol == "foxglove.sdk.v1"
            channels, _ = _advertised(ws, time.monotonic() + 5)
            topics = ["/scene", "/camera/left", "/tf"]
            ws.send(json.dumps({"op": "subscribe", "subscriptions": [
                {"id": i, "channelId": channels[t]["id"]} for i, t in enumerate(topics)]}))  # fmt: skip
            got: dict[str, bytes] = {}
            frames = synthetic_flight(500)
            deadline = time.monotonic() + 5 * LATCH_PERIOD_S  # the latch repeats every LATCH_PERIOD_S
            while len(got) < len(topics) and time.monotonic() < deadline:
                frame = next(frames, None)  # a few hundred frames, then only the latch speaks
                if frame is not None:
                    log.log_frame(frame.observation, frame.stereo, frame.mono, frame.decision, frame.command)
                with contextlib.suppress(TimeoutError):
                    data = ws.recv(timeout=0.05)
                    if isinstance(data, bytes) and data[0] == 0x01:
                        got.setdefault(topics[struct.unpack_from("<I", data, 1)[0]], data[13:])
    assert sorted(got) == sorted(topics), sorted(got)
    scene = _decoder(channels["/scene"]).FromString(got["/scene"])
    assert [e.id for e in scene.entities] == [b.id for b in ROOM.bodies]


def test_a_foxglove_websocket_v1_client_is_refused_with_one_line_however_often_it_retries() -> None:
    """foxglove-sdk accepts only its own subprotocol (no server option for another): an older client's retries
    are said once, naming the cause, instead of a line each."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    lines: list[str] = []
    with LiveServer(port=0, notify=lines.append) as server:
        for _ in range(3):
            with pytest.raises(InvalidStatus) as refused:
                connect(server.url, subprotocols=["foxglove.websocket.v1"], open_timeout=5)
            assert refused.value.response.status_code == 400
        deadline = time.monotonic() + 10
        while server.refused[1] < 3 and time.monotonic() < deadline:  # the SDK logs from its own thread
            time.sleep(0.05)
        hosts, attempts = server.refused
    assert attempts == 3 and hosts == ["127.0.0.1"]
    assert len(lines) == 1 and "foxglove.websocket.v1" in lines[0] and "127.0.0.1" in lines[0]


def test_a_viewer_ends_the_linger_by_calling_the_quit_service() -> None:
    from websockets.sync.client import connect

    from drone_ssl.flightlog.live import QUIT_SERVICE

    with LiveServer(port=0) as server, connect(server.url, subprotocols=["foxglove.sdk.v1"], open_timeout=5) as ws:
        _, services = _advertised(ws, time.monotonic() + 5)
        (quit_service,) = [s for s in services if s["name"] == QUIT_SERVICE]
        ws.send(struct.pack("<BIII", 0x02, quit_service["id"], 1, 4) + b"json{}")  # a service call request
        started = time.monotonic()
        why = server.wait_for_quit(60.0)
    assert why == "a viewer asked to quit" and time.monotonic() - started < 60.0
