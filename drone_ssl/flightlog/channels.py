"""The log's channels: topic, schema and role (per frame or event; flight data or evaluation-only ground truth)."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.flightlog import schemas

SCHEMA_ENCODING = "jsonschema"
MESSAGE_ENCODING = "json"


@dataclass(frozen=True)
class ChannelSpec:
    topic: str
    schema: dict
    per_frame: bool  # part of a frame (MCAP sequence = frame index) rather than an event
    evaluation_only: bool = False  # simulator ground truth: for evaluation, never a training label
    frame_id: str = ""  # image channels: the camera frame Foxglove shows the image in

    @property
    def schema_name(self) -> str:
        return self.schema["title"]

    @property
    def metadata(self) -> dict[str, str]:
        return {"evaluation_only": "true"} if self.evaluation_only else {}


LEFT = ChannelSpec("/camera/left", schemas.COMPRESSED_IMAGE, per_frame=True, frame_id="camera_left")
RIGHT = ChannelSpec("/camera/right", schemas.COMPRESSED_IMAGE, per_frame=True, frame_id="camera_right")
# Depth in the left camera's frame as a 16-bit PNG in millimetres (0 unknown, 65535 far), as Foxglove shows depth.
STEREO_DEPTH = ChannelSpec("/stereo/depth", schemas.COMPRESSED_IMAGE, per_frame=True, frame_id="camera_left")
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
    LEARNER,
    FLIGHT,
)
BY_TOPIC: dict[str, ChannelSpec] = {spec.topic: spec for spec in ALL}
# The kind of each event channel, as the reader reports it.
EVENT_KINDS: dict[str, str] = {
    OVERRIDE.topic: "override",
    PHASE_SWITCH.topic: "phase_switch",
    COLLISION.topic: "collision",
    LINK.topic: "link",
    LEARNER.topic: "learner",
    FLIGHT.topic: "flight",
}
