"""The log's channels: topic, schema and role (per frame or event; flight data or evaluation-only ground truth).

Foxglove's own message types (images, camera models, transforms, pose, log lines) use the official protobuf
schemas foxglove-sdk publishes; the project's readings and events are JSON with the JSON schemas in `schemas`.
"""

from __future__ import annotations

import functools
import importlib
import json
from dataclasses import dataclass
from typing import Any

from drone_ssl.flightlog import schemas
from drone_ssl.flightlog.codec import from_payload, schema_of, to_payload
from drone_ssl.flightlog.foxglove_schemas import PROTOBUF, official_schema
from drone_ssl.flightlog.transforms import CAMERA_LEFT, CAMERA_RIGHT

JSON_SCHEMA = "jsonschema"
JSON = "json"


@functools.cache
def record_type(name: str) -> type:
    """The dataclass "module:Class" names. Named rather than imported: the arbiter's and mono's packages load
    torch, which reading a log never needs until a decision or a reading is read back."""
    module, _, cls = name.partition(":")
    return getattr(importlib.import_module(module), cls)


@functools.cache
def _record_schema(name: str, title: str | None, skip: tuple[str, ...]) -> dict:
    return schema_of(record_type(name), title, skip)


@dataclass(frozen=True)
class ChannelSpec:
    topic: str
    declared: dict | str | None  # a JSON schema, or an official Foxglove schema's name; None: `record`'s schema
    per_frame: bool  # part of a frame (MCAP sequence = frame index) rather than an event
    evaluation_only: bool = False  # simulator ground truth: for evaluation, never a training label
    frame_id: str = ""  # image channels: the camera frame Foxglove shows the image in
    record: str | None = None  # "module:Class": the project's dataclass this channel logs, its schema derived
    title: str | None = None  # the schema's name, when not drone_ssl.<Class>
    skip: tuple[str, ...] = ()  # fields of `record` logged on channels of their own (maps as images)

    @property
    def schema(self) -> dict | str:
        if self.record is not None:
            return _record_schema(self.record, self.title, self.skip)
        assert self.declared is not None, f"{self.topic}: a channel declares its schema or names its record"
        return self.declared

    def payload(self, value: Any) -> dict:
        """The JSON object of one value of this channel's type."""
        if self.record is None:
            raise TypeError(f"{self.topic} logs free-form records, not a type")
        return to_payload(value, record_type(self.record), self.skip)

    def read(self, payload: object) -> Any:
        """The value a payload of this channel holds (FlightLogError when it holds none)."""
        if self.record is None:
            raise TypeError(f"{self.topic} logs free-form records, not a type")
        return from_payload(record_type(self.record), payload, self.skip)

    @property
    def foxglove(self) -> bool:
        return isinstance(self.schema, str)

    @property
    def schema_name(self) -> str:
        return self.schema if isinstance(self.schema, str) else self.schema["title"]

    @property
    def schema_encoding(self) -> str:
        return PROTOBUF if self.foxglove else JSON_SCHEMA

    @property
    def message_encoding(self) -> str:
        return PROTOBUF if self.foxglove else JSON

    def schema_data(self) -> bytes:
        if isinstance(self.schema, str):
            return official_schema(self.schema)
        return json.dumps(self.schema).encode("utf-8")

    @property
    def metadata(self) -> dict[str, str]:
        return {"evaluation_only": "true"} if self.evaluation_only else {}


LEFT = ChannelSpec("/camera/left", "foxglove.CompressedImage", per_frame=True, frame_id=CAMERA_LEFT)
RIGHT = ChannelSpec("/camera/right", "foxglove.CompressedImage", per_frame=True, frame_id=CAMERA_RIGHT)
# Depth in the left camera's frame, uint16 millimetres (0 unknown, 65535 far): Foxglove colour-maps 16UC1.
STEREO_DEPTH = ChannelSpec("/stereo/depth", "foxglove.RawImage", per_frame=True, frame_id=CAMERA_LEFT)
LEFT_CALIBRATION = ChannelSpec("/camera/left/calibration", "foxglove.CameraCalibration", per_frame=True)
RIGHT_CALIBRATION = ChannelSpec("/camera/right/calibration", "foxglove.CameraCalibration", per_frame=True)
TF = ChannelSpec("/tf", "foxglove.FrameTransforms", per_frame=True)  # world -> body -> camera_left/right
POSE = ChannelSpec("/drone/pose", "foxglove.PoseInFrame", per_frame=True)  # in world, when positioned
LOG = ChannelSpec("/log", "foxglove.Log", per_frame=False)  # every event as a readable line


def logged(
    topic: str, record: str, per_frame: bool, title: str | None = None, skip: tuple[str, ...] = ()
) -> ChannelSpec:
    """A channel of one of the project's types: schema, payload and reading all derived from the dataclass."""
    return ChannelSpec(topic, None, per_frame, record=record, title=title, skip=skip)


# Depth maps go on /stereo/depth (and mono's nowhere): the readings' JSON holds the numbers a plot shows.
STEREO = logged("/stereo/reading", "drone_ssl.flightlog.records:LoggedStereo", True, "drone_ssl.StereoReading",
                skip=("depth_m",))  # fmt: skip
MONO = logged("/mono/reading", "drone_ssl.mono.reading:MonoReading", True, skip=("depth_m",))
PHASE = logged("/arbiter/phase", "drone_ssl.arbiter.decision:Decision", True)
COMMAND = logged("/command", "drone_ssl.types:Command", True)
STATE = logged("/drone/state", "drone_ssl.types:DroneState", True)


def record_channel(
    topic: str, title: str, description: str, per_frame: bool = False, evaluation_only: bool = False
) -> ChannelSpec:
    """A channel of free-form JSON records (events, metrics, truth): every field plottable by its path."""
    return ChannelSpec(topic, schemas.record(title, description), per_frame, evaluation_only=evaluation_only)


GROUND_TRUTH = record_channel(
    "/eval/ground_truth",
    "drone_ssl.GroundTruth",
    "Simulator ground truth of this frame: evaluation only, never a label",
    True,
    True,
)
OVERRIDE = logged("/events/override", "drone_ssl.arbiter.events:OverrideEvent", False)
PHASE_SWITCH = logged("/events/phase_switch", "drone_ssl.arbiter.events:PhaseSwitch", False)
COLLISION = record_channel(
    "/events/collision",
    "drone_ssl.Collision",
    "A collision seen by the simulator: evaluation only",
    evaluation_only=True,
)
LINK = record_channel("/events/link", "drone_ssl.LinkEvent", "The drone link was lost or came back")
EMERGENCY = record_channel(
    "/events/emergency",
    "drone_ssl.EmergencyEvent",
    "The drone stopped flying by itself: motors cut, emergency, a landing",
)
LEARNER = record_channel("/learner/metrics", "drone_ssl.LearnerMetrics", "Learner progress and test error")
FLIGHT = record_channel("/events/flight", "drone_ssl.FlightEvent",
                        "The log itself: frames dropped on overload, end of flight")  # fmt: skip

ALL: tuple[ChannelSpec, ...] = (
    LEFT,
    RIGHT,
    STEREO_DEPTH,
    LEFT_CALIBRATION,
    RIGHT_CALIBRATION,
    TF,
    POSE,
    LOG,
    STEREO,
    MONO,
    PHASE,
    COMMAND,
    STATE,
    GROUND_TRUTH,
    OVERRIDE,
    PHASE_SWITCH,
    COLLISION,
    LINK,
    EMERGENCY,
    LEARNER,
    FLIGHT,
)
BY_TOPIC: dict[str, ChannelSpec] = {spec.topic: spec for spec in ALL}
# Channels for Foxglove only: derived from what the other channels hold, so reading the log back skips them.
VIEW_ONLY = frozenset(spec.topic for spec in (LEFT_CALIBRATION, RIGHT_CALIBRATION, TF, POSE, LOG))
# The kind of each event channel, as the reader reports it.
EVENT_KINDS: dict[str, str] = {
    OVERRIDE.topic: "override",
    PHASE_SWITCH.topic: "phase_switch",
    COLLISION.topic: "collision",
    LINK.topic: "link",
    EMERGENCY.topic: "emergency",
    LEARNER.topic: "learner",
    FLIGHT.topic: "flight",
}
