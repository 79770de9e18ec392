"""The log's channels: topic, schema and role (per frame or event; flight data or evaluation-only ground truth).

Foxglove's own message types (images, camera models, transforms, pose, log lines) use the official protobuf
schemas foxglove-sdk publishes; the project's readings and events are JSON with the JSON schemas in `schemas`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from drone_ssl.flightlog import schemas
from drone_ssl.flightlog.foxglove_schemas import PROTOBUF, official_schema
from drone_ssl.flightlog.transforms import CAMERA_LEFT, CAMERA_RIGHT

JSON_SCHEMA = "jsonschema"
JSON = "json"


@dataclass(frozen=True)
class ChannelSpec:
    topic: str
    schema: dict | str  # a JSON schema, or the name of an official Foxglove schema ("foxglove.RawImage")
    per_frame: bool  # part of a frame (MCAP sequence = frame index) rather than an event
    evaluation_only: bool = False  # simulator ground truth: for evaluation, never a training label
    frame_id: str = ""  # image channels: the camera frame Foxglove shows the image in

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
STEREO = ChannelSpec("/stereo/reading", schemas.STEREO_READING, per_frame=True)
MONO = ChannelSpec("/mono/reading", schemas.MONO_READING, per_frame=True)
PHASE = ChannelSpec("/arbiter/phase", schemas.ARBITER_PHASE, per_frame=True)
COMMAND = ChannelSpec("/command", schemas.COMMAND, per_frame=True)
STATE = ChannelSpec("/drone/state", schemas.DRONE_STATE, per_frame=True)
GROUND_TRUTH = ChannelSpec(
    "/eval/ground_truth",
    schemas.record("drone_ssl.GroundTruth", "Simulator ground truth of this frame: evaluation only, never a label"),
    per_frame=True,
    evaluation_only=True,
)

OVERRIDE = ChannelSpec(
    "/events/override", schemas.record("drone_ssl.Override", "The arbiter overrode the flying cue"), per_frame=False
)
PHASE_SWITCH = ChannelSpec(
    "/events/phase_switch", schemas.record("drone_ssl.PhaseSwitch", "The arbiter changed phase"), per_frame=False
)
COLLISION = ChannelSpec(
    "/events/collision",
    schemas.record("drone_ssl.Collision", "A collision seen by the simulator: evaluation only"),
    per_frame=False,
    evaluation_only=True,
)
LINK = ChannelSpec(
    "/events/link", schemas.record("drone_ssl.LinkEvent", "The drone link was lost or came back"), per_frame=False
)
EMERGENCY = ChannelSpec(
    "/events/emergency",
    schemas.record("drone_ssl.EmergencyEvent", "The drone stopped flying by itself: motors cut, emergency, a landing"),
    per_frame=False,
)
LEARNER = ChannelSpec(
    "/learner/metrics", schemas.record("drone_ssl.LearnerMetrics", "Learner progress and test error"), per_frame=False
)
FLIGHT = ChannelSpec(
    "/events/flight",
    schemas.record("drone_ssl.FlightEvent", "The log itself: frames dropped on overload, end of flight"),
    per_frame=False,
)

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
