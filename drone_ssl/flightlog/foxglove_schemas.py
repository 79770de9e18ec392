"""Foxglove's official message schemas (from the foxglove-sdk package) and decoders built from them."""

from __future__ import annotations

import functools

import foxglove.messages as fox
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message

PROTOBUF = "protobuf"
# The Foxglove message types the log writes, by schema name ("foxglove.RawImage", ...).
TYPES: dict[str, type] = {
    f"foxglove.{t.__name__}": t
    for t in (
        fox.CompressedImage,
        fox.RawImage,
        fox.CameraCalibration,
        fox.FrameTransforms,
        fox.PoseInFrame,
        fox.Log,
        fox.SceneUpdate,
    )
}


def official_schema(name: str) -> bytes:
    """The protobuf FileDescriptorSet foxglove-sdk publishes for `name` (what Foxglove reads from the log)."""
    return bytes(TYPES[name].get_schema().data)


@functools.cache
def _pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    added: set[str] = set()
    for name in TYPES:
        for proto in descriptor_pb2.FileDescriptorSet.FromString(official_schema(name)).file:
            if proto.name not in added:  # the sets share dependencies (Timestamp, Vector3, ...)
                pool.Add(proto)
                added.add(proto.name)
    return pool


@functools.cache
def message_class(name: str) -> type[Message]:
    """A protobuf message class for the official schema `name`, to decode what the log holds."""
    return message_factory.GetMessageClass(_pool().FindMessageTypeByName(name))


def decode(name: str, data: bytes) -> Message:
    """One message in Foxglove's protobuf encoding; ValueError when the bytes do not parse."""
    try:
        return message_class(name).FromString(data)
    except DecodeError as e:
        raise ValueError(f"not a {name} message: {e}") from e
