"""The simulated room in the log: scene entities read back with the mcap package alone, and by the reader."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from flightlog_fixtures import CONFIG_YAML, METADATA, MODELS, RIG
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from mcap.reader import make_reader

from drone_ssl.flightlog import FlightLogReader, FlightLogWriter, RoomScene, SceneBody
from drone_ssl_lab.data.synthetic_log import synthetic_flight

ROOM = RoomScene(5.0, 3.0, (
    SceneBody("floor", "floor", "cube", (0.0, 0.0, -0.01), 0.0, (5.0, 5.0, 0.02), (0.5, 0.4, 0.3)),
    SceneBody("wall:+x", "wall", "cube", (2.525, 0.0, 1.5), 0.0, (0.05, 5.0, 3.0), (0.2, 0.3, 0.4)),
    SceneBody("obstacle:0", "obstacle", "cylinder", (1.0, -1.0, 1.5), 0.0, (0.4, 0.4, 3.0), (0.6, 0.1, 0.1)),
    SceneBody("obstacle:1", "obstacle", "cube", (-1.0, 0.5, 0.4), 0.7, (0.8, 0.6, 0.8), (0.1, 0.6, 0.1)),
    SceneBody("drone", "drone", "cylinder", (0.0, 0.0, 0.0), 0.0, (0.5, 0.5, 0.12), (1.0, 0.45, 0.0), "body"),
))  # fmt: skip


def _log(path: Path, scenes: list[RoomScene]) -> None:
    frames = synthetic_flight(5)
    with FlightLogWriter(path, CONFIG_YAML, MODELS, METADATA, rig=RIG) as log:
        for i, scene in enumerate(scenes):
            log.log_scene(0.1 * i, scene)
            frame = next(frames)
            log.log_frame(frame.observation, frame.stereo, frame.mono, frame.decision, frame.command)


def _scene_updates(path: Path) -> list:
    """Every /scene message, decoded with the schema the file itself carries (no drone_ssl code)."""
    out = []
    with path.open("rb") as f:
        for schema, channel, message in make_reader(f).iter_messages(topics=["/scene"]):
            assert (schema.name, schema.encoding, channel.message_encoding) == ("foxglove.SceneUpdate", "protobuf",
                                                                                 "protobuf")  # fmt: skip
            pool = descriptor_pool.DescriptorPool()
            for proto in descriptor_pb2.FileDescriptorSet.FromString(schema.data).file:
                pool.Add(proto)
            out.append(
                message_factory.GetMessageClass(pool.FindMessageTypeByName(schema.name)).FromString(message.data)
            )
    return out


def test_the_room_reads_back_with_the_mcap_package_as_entities_in_the_world_frame(tmp_path: Path) -> None:
    _log(tmp_path / "flight.mcap", [ROOM])
    (update,) = _scene_updates(tmp_path / "flight.mcap")
    entities = {e.id: e for e in update.entities}
    assert list(entities) == ["floor", "wall:+x", "obstacle:0", "obstacle:1", "drone"]
    assert all(entities[i].frame_id == "world" for i in ("floor", "wall:+x", "obstacle:0", "obstacle:1"))
    assert entities["drone"].frame_id == "body" and entities["drone"].frame_locked  # carried round by /tf
    pole, box = entities["obstacle:0"].cylinders[0], entities["obstacle:1"].cubes[0]
    assert (pole.size.x, pole.size.z, pole.pose.position.x) == (0.4, 3.0, 1.0)
    yaw = 2 * math.atan2(box.pose.orientation.z, box.pose.orientation.w)
    assert (box.size.x, box.size.y) == (0.8, 0.6) and yaw == pytest.approx(0.7)
    colour = entities["obstacle:0"].cylinders[0].color
    assert (round(colour.r, 3), round(colour.g, 3), round(colour.b, 3)) == (0.6, 0.1, 0.1)  # the texture's mean
    assert update.deletions[0].type == 1  # ALL: a republished or changed room replaces the one shown


def test_the_reader_gives_the_room_back_and_a_change_is_logged_once(tmp_path: Path) -> None:
    moved = RoomScene(5.0, 3.0, ROOM.bodies[:2])
    _log(tmp_path / "flight.mcap", [ROOM, ROOM, moved, moved])  # the same room twice is logged once
    assert len(_scene_updates(tmp_path / "flight.mcap")) == 2
    reader = FlightLogReader(tmp_path / "flight.mcap")
    assert reader.scene() == moved  # the last room
    assert sum(1 for _ in reader.frames()) == 4  # the scene is not a frame's part nor an event


def test_a_log_without_a_room_has_none(tmp_path: Path) -> None:
    _log(tmp_path / "flight.mcap", [])
    assert FlightLogReader(tmp_path / "flight.mcap").scene() is None
