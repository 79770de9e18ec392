"""The drone's coordinate frames for Foxglove: world -> body -> camera transforms, the pose and camera models."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import foxglove.messages as fox
import numpy as np

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.types import DroneState

WORLD = "world"
BODY = "body"
CAMERA_LEFT = "camera_left"
CAMERA_RIGHT = "camera_right"
# Body (x forward, y left, z up) to camera optical frame (z forward, x right, y down), the frame images live in.
OPTICAL = (-0.5, 0.5, -0.5, 0.5)  # quaternion x, y, z, w


@dataclass(frozen=True)
class CameraRig:
    """The stereo pair as mounted: its calibration and where the left and right cameras sit on the body."""

    calibration: StereoCalibration
    forward_offset_m: float = 0.1  # camera ahead of the body centre

    def offsets(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """Body-frame position of the left and right camera (centred on the body's x axis)."""
        half = self.calibration.baseline_m / 2
        return (self.forward_offset_m, half, 0.0), (self.forward_offset_m, -half, 0.0)


def timestamp(time_ns: int) -> fox.Timestamp:
    sec, nsec = divmod(time_ns, 1_000_000_000)
    return fox.Timestamp(sec=sec, nsec=nsec)


def attitude_quaternion(roll: float, pitch: float, yaw: float) -> tuple[float, float, float, float]:
    """Body-to-world rotation (x, y, z, w) of the project's attitude convention (roll + = right side down,
    pitch + = nose up, yaw + = clockwise from above): Rz(-yaw) Ry(-pitch) Rx(roll)."""
    cz, sz = math.cos(-yaw / 2), math.sin(-yaw / 2)
    cy, sy = math.cos(-pitch / 2), math.sin(-pitch / 2)
    cx, sx = math.cos(roll / 2), math.sin(roll / 2)
    return (
        sx * cy * cz - cx * sy * sz,
        cx * sy * cz + sx * cy * sz,
        cx * cy * sz - sx * sy * cz,
        cx * cy * cz + sx * sy * sz,
    )


def _quaternion(q: tuple[float, float, float, float]) -> fox.Quaternion:
    return fox.Quaternion(x=q[0], y=q[1], z=q[2], w=q[3])


def _vector(v: tuple[float, float, float]) -> fox.Vector3:
    return fox.Vector3(x=float(v[0]), y=float(v[1]), z=float(v[2]))


def body_pose(state: DroneState) -> tuple[tuple[float, float, float], tuple[float, float, float, float]] | None:
    """World position and orientation of the body; a drone without positioning sits above the origin at its
    altitude. None when the attitude (or the position it has) is not finite: nothing to show."""
    if state.position is not None:
        position = tuple(float(v) for v in state.position)
    else:
        position = (0.0, 0.0, float(state.altitude) if math.isfinite(state.altitude) else 0.0)
    if not all(math.isfinite(v) for v in (*position, *state.attitude)):
        return None
    return position, attitude_quaternion(*state.attitude)  # type: ignore[return-value]


def frame_transforms(time_ns: int, state: DroneState, rig: CameraRig | None) -> fox.FrameTransforms:
    """world -> body from the state (when it is finite), body -> camera_left / camera_right from the rig."""
    stamp = timestamp(time_ns)
    transforms = []
    pose = body_pose(state)
    if pose is not None:
        transforms.append(
            fox.FrameTransform(
                timestamp=stamp,
                parent_frame_id=WORLD,
                child_frame_id=BODY,
                translation=_vector(pose[0]),
                rotation=_quaternion(pose[1]),
            )  # fmt: skip
        )
    if rig is not None:
        for frame, offset in zip((CAMERA_LEFT, CAMERA_RIGHT), rig.offsets(), strict=True):
            transforms.append(
                fox.FrameTransform(
                    timestamp=stamp,
                    parent_frame_id=BODY,
                    child_frame_id=frame,
                    translation=_vector(offset),
                    rotation=_quaternion(OPTICAL),
                )  # fmt: skip
            )
    return fox.FrameTransforms(transforms=transforms)


def pose_in_world(time_ns: int, state: DroneState) -> fox.PoseInFrame | None:
    """The body's pose in the world frame, for the flight path; None without positioning or when not finite."""
    pose = body_pose(state)
    if state.position is None or pose is None:
        return None
    return fox.PoseInFrame(
        timestamp=timestamp(time_ns), frame_id=WORLD,
        pose=fox.Pose(position=_vector(pose[0]), orientation=_quaternion(pose[1])),
    )  # fmt: skip


@dataclass(frozen=True)
class CameraModels:
    """The two cameras' calibration messages, K, D, R, P as Foxglove and ROS define them (R, P rectifying)."""

    left: dict
    right: dict

    @classmethod
    def of(cls, calibration: StereoCalibration) -> CameraModels:
        c = calibration
        size = tuple(int(v) for v in c.image_size)
        R1, R2, P1, P2, _, _, _ = cv2.stereoRectify(c.K1, c.D1, c.K2, c.D2, size, c.R, c.T, alpha=0)

        def model(frame: str, K: np.ndarray, D: np.ndarray, R: np.ndarray, P: np.ndarray) -> dict:
            return {
                "frame_id": frame, "width": size[0], "height": size[1], "distortion_model": "plumb_bob",
                "D": [float(v) for v in np.ravel(D)], "K": [float(v) for v in np.ravel(K)],
                "R": [float(v) for v in np.ravel(R)], "P": [float(v) for v in np.ravel(P)],
            }  # fmt: skip

        return cls(model(CAMERA_LEFT, c.K1, c.D1, R1, P1), model(CAMERA_RIGHT, c.K2, c.D2, R2, P2))

    def messages(self, time_ns: int) -> tuple[fox.CameraCalibration, fox.CameraCalibration]:
        stamp = timestamp(time_ns)
        return (
            fox.CameraCalibration(timestamp=stamp, **self.left),
            fox.CameraCalibration(timestamp=stamp, **self.right),
        )
