"""Each channel's message bytes: Foxglove messages in protobuf, the project's readings and events in JSON."""

from __future__ import annotations

import json

import foxglove.messages as fox
import numpy as np

from drone_ssl.flightlog import channels
from drone_ssl.flightlog.channels import ChannelSpec
from drone_ssl.flightlog.images import encode_png
from drone_ssl.flightlog.transforms import CameraModels, CameraRig, frame_transforms, pose_in_world, timestamp
from drone_ssl.types import DroneState

FLIGHT_TIME_KEY = "flight_time_s"  # in every JSON message: seconds since take-off, beside the wall-clock log time
# Events on the /log channel: how loud each kind is in Foxglove's log panel.
_LOG_LEVELS = {
    channels.OVERRIDE.topic: fox.LogLevel.Warning,
    channels.COLLISION.topic: fox.LogLevel.Error,
    channels.LINK.topic: fox.LogLevel.Warning,
    channels.EMERGENCY.topic: fox.LogLevel.Error,
}


class MessageEncoder:
    """Turns what the flight loop queued (arrays, states, dicts) into each channel's bytes, stamped with the
    wall-clock time `origin_ns + flight time`."""

    def __init__(self, origin_ns: int, rig: CameraRig | None, png_level: int = 1) -> None:
        self.origin_ns = origin_ns
        self.rig = rig
        self._cameras = None if rig is None else CameraModels.of(rig.calibration)
        self._png_level = png_level

    def encode(self, spec: ChannelSpec, t_ns: int, body: object) -> list[tuple[ChannelSpec, bytes]]:
        """The message (or messages: a state also gives the transforms and pose) for one queued body."""
        stamp_ns = self.origin_ns + t_ns
        if spec is channels.STATE and isinstance(body, DroneState):
            return self._state(spec, t_ns, stamp_ns, body)
        if isinstance(body, np.ndarray):
            return [(spec, self._image(spec, stamp_ns, body))]
        if not isinstance(body, dict):
            raise TypeError(f"cannot log a {type(body).__name__} on {spec.topic}")
        data = {**body, FLIGHT_TIME_KEY: t_ns / 1e9}
        out = [(spec, json.dumps(data, separators=(",", ":"), allow_nan=False).encode("utf-8"))]
        if not spec.per_frame:  # events also go to Foxglove's log panel as a line of text
            out.append((channels.LOG, self._log_line(spec, stamp_ns, body)))
        return out

    def _state(self, spec: ChannelSpec, t_ns: int, stamp_ns: int, state: DroneState) -> list[tuple[ChannelSpec, bytes]]:
        out = self.encode(spec, t_ns, spec.payload(state))
        out.append((channels.TF, frame_transforms(stamp_ns, state, self.rig).encode()))
        pose = pose_in_world(stamp_ns, state)
        if pose is not None:
            out.append((channels.POSE, pose.encode()))
        if self._cameras is not None:
            left, right = self._cameras.messages(stamp_ns)
            out += [(channels.LEFT_CALIBRATION, left.encode()), (channels.RIGHT_CALIBRATION, right.encode())]
        return out

    def _image(self, spec: ChannelSpec, stamp_ns: int, image: np.ndarray) -> bytes:
        if image.dtype == np.uint16:  # depth in millimetres, uncompressed so any viewer shows its true values
            height, width = image.shape
            data = np.ascontiguousarray(image, dtype="<u2").tobytes()
            return fox.RawImage(
                timestamp=timestamp(stamp_ns), frame_id=spec.frame_id, width=width, height=height,
                encoding="16UC1", step=2 * width, data=data,
            ).encode()  # fmt: skip
        png = encode_png(image, self._png_level)
        stamp = timestamp(stamp_ns)
        return fox.CompressedImage(timestamp=stamp, frame_id=spec.frame_id, data=png, format="png").encode()

    @staticmethod
    def _log_line(spec: ChannelSpec, stamp_ns: int, body: dict) -> bytes:
        kind = channels.EVENT_KINDS[spec.topic]
        return fox.Log(
            timestamp=timestamp(stamp_ns), level=_LOG_LEVELS.get(spec.topic, fox.LogLevel.Info),
            message=f"{kind}: {json.dumps(body, separators=(', ', ': '))}", name=spec.topic, file="", line=0,
        ).encode()  # fmt: skip
