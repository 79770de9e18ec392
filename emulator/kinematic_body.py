"""A light body for the emulator when PyBullet is not wanted: first-order kinematics and a textured-wall stereo pair."""

from __future__ import annotations

import math

import numpy as np

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.config import CameraConfig
from drone_ssl.drone import Drone
from drone_ssl.errors import DroneError
from drone_ssl.types import Command, DroneState, Observation

WALL_DISTANCE_M = 2.0  # the pair shows one textured wall this far away (a constant stereo disparity)


class KinematicBody(Drone):
    """Flies a Command as a fraction of the model's top speeds, lock-step like `SimDrone`, in an empty room.

    It has no obstacles and no physics: protocol tests and benchmarks use it so they do not wait on rendering.
    """

    def __init__(
        self,
        model: DroneModelConfig | None = None,
        camera: CameraConfig | None = None,
        frame_period_s: float = 0.1,
        seed: int = 0,
    ) -> None:
        self.model = model or DroneModelConfig()
        self.camera = camera or CameraConfig()
        self.frame_period_s = frame_period_s
        self.t = 0.0
        self.x = self.y = self.z = self.yaw = 0.0
        self.vx = self.vy = self.vz = 0.0
        self.battery = 100.0
        self.flying = False
        self._command = Command.hover()
        self._texture = np.random.default_rng(seed).integers(
            0, 256, (self.camera.height, self.camera.width * 2), np.uint8
        )
        self._connected = False

    def connect(self) -> None:
        self._connected = True

    def takeoff(self) -> None:
        self._require()
        self.flying = True
        self._command = Command.hover()
        target = self.model.takeoff_altitude_m
        while self.z < target:
            self._advance(self.frame_period_s, climb=self.model.max_vz_mps)
        self.z = target

    def land(self) -> None:
        if not self._connected or not self.flying:
            return
        self._command = Command.hover()
        while self.z > 0.0:
            self._advance(self.frame_period_s, climb=-self.model.landing_speed_mps)
        self.z, self.flying = 0.0, False

    def emergency(self) -> None:
        if self._connected:
            self.z, self.flying = 0.0, False
            self.vx = self.vy = self.vz = 0.0

    def read(self) -> Observation:
        self._require()
        self._advance(self.frame_period_s)
        return Observation(self.t, *self._stereo_pair(), self.state())

    def send(self, command: Command) -> None:
        self._command = command

    def close(self) -> None:
        self._connected = False

    def state(self) -> DroneState:
        return DroneState(
            position=(self.x, self.y, self.z),
            velocity=self._body_velocity(),
            attitude=(0.0, 0.0, self.yaw),
            altitude=self.z,
            battery=self.battery,
            flying=self.flying,
        )

    def _body_velocity(self) -> tuple[float, float, float]:
        """(forward, right, up), as the Drone seam and navdata report it; yaw is clockwise from +x."""
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        return (self.vx * c - self.vy * s, -self.vx * s - self.vy * c, self.vz)

    def _require(self) -> None:
        if not self._connected:
            raise DroneError("the kinematic body is not connected; call connect() first")

    def _advance(self, dt: float, climb: float | None = None) -> None:
        m, c = self.model, self._command if self.flying else Command.hover()
        speed = 9.81 * math.tan(math.radians(m.max_tilt_deg)) / m.drag_per_s  # the flight model's terminal speed
        fwd, right = -c.pitch * speed, c.roll * speed
        self.vx = fwd * math.cos(self.yaw) - right * math.sin(self.yaw)  # yaw clockwise: forward = (cos, -sin)
        self.vy = -fwd * math.sin(self.yaw) - right * math.cos(self.yaw)
        self.vz = climb if climb is not None else c.gaz * m.max_vz_mps
        if self.flying:
            self.x += self.vx * dt
            self.y += self.vy * dt
            self.z = max(0.0, self.z + self.vz * dt)
            self.yaw = (self.yaw + c.yaw * math.radians(m.max_yaw_rate_dps) * dt + math.pi) % (2 * math.pi) - math.pi
        self.battery = max(0.0, self.battery - m.battery_drain_pct_per_min * dt / 60.0)
        self.t += dt

    def _stereo_pair(self) -> tuple[np.ndarray, np.ndarray]:
        disparity = round(self.camera.focal_px * self.camera.baseline_m / WALL_DISTANCE_M)
        w = self.camera.width
        left = self._texture[:, :w]  # a wall point at column j on the left appears at j - disparity on the right
        right = self._texture[:, disparity : disparity + w]
        return np.ascontiguousarray(left), np.ascontiguousarray(right)
