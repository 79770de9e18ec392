"""AR.Drone 2.0-like flight model: normalised PCMD commands in, rigid-body kinematics out."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

from drone_ssl.airframe import DroneModelConfig
from drone_ssl.types import Command

GRAVITY = 9.81
HOVER_BRAKE_TAU_S = 0.4  # how fast the onboard hover mode (bottom-camera optical flow) kills horizontal speed
ALTITUDE_HOLD_GAIN = 2.0  # 1/s: sonar altitude hold pulls back to the held altitude


class FlightMode(enum.Enum):
    LANDED = "landed"
    TAKING_OFF = "taking_off"
    FLYING = "flying"
    LANDING = "landing"
    EMERGENCY = "emergency"  # motors cut: falls to the floor


@dataclass
class BodyState:
    """Mutable kinematic state, world frame (x, y on the floor, z up)."""

    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    vx: float = 0.0
    vy: float = 0.0
    vz: float = 0.0
    roll: float = 0.0  # rad, + = right side down
    pitch: float = 0.0  # rad, + = nose up
    yaw: float = 0.0  # rad, + = clockwise seen from above (AR.Drone psi)
    yaw_rate: float = 0.0  # rad/s, + = clockwise

    @property
    def forward(self) -> tuple[float, float]:
        """Unit heading on the floor; yaw grows clockwise, so it turns from +x toward -y."""
        return math.cos(self.yaw), -math.sin(self.yaw)

    @property
    def right(self) -> tuple[float, float]:
        return -math.sin(self.yaw), -math.cos(self.yaw)


class FlightModel:
    """Emulates the AR.Drone's onboard loops at a fixed physics rate.

    roll / pitch commands are fractions of the maximum tilt, reached with a first-order
    response; tilt accelerates the drone horizontally against linear drag; gaz is a
    fraction of the maximum climb rate with altitude hold at zero; yaw is a fraction of the
    maximum yaw rate. An all-zero command is the hover mode, which actively brakes.
    """

    def __init__(self, config: DroneModelConfig, physics_hz: float) -> None:
        self.config = config
        self.dt = 1.0 / physics_hz
        self.max_tilt = math.radians(config.max_tilt_deg)
        self.max_yaw_rate = math.radians(config.max_yaw_rate_dps)
        self.ground_z = config.hull_height_m / 2  # body centre when resting on the floor
        self.body = BodyState(z=self.ground_z)
        self.mode = FlightMode.LANDED
        self.command = Command.hover()
        self.hold_z = self.ground_z
        self.battery = 100.0

    def reset(self, x: float, y: float, yaw: float) -> None:
        """Put the drone landed at (x, y) facing yaw, battery full."""
        self.body = BodyState(x=x, y=y, z=self.ground_z, yaw=yaw)
        self.mode = FlightMode.LANDED
        self.command = Command.hover()
        self.battery = 100.0

    @property
    def flying(self) -> bool:
        return self.mode in (FlightMode.TAKING_OFF, FlightMode.FLYING, FlightMode.LANDING)

    def takeoff(self) -> None:
        if self.mode == FlightMode.LANDED:
            self.mode = FlightMode.TAKING_OFF

    def land(self) -> None:
        if self.mode in (FlightMode.TAKING_OFF, FlightMode.FLYING):
            self.mode = FlightMode.LANDING

    def cut_motors(self) -> None:
        if self.mode != FlightMode.LANDED:
            self.mode = FlightMode.EMERGENCY

    def set_command(self, command: Command) -> None:
        if command.gaz == 0.0 and self.command.gaz != 0.0:
            self.hold_z = self.body.z  # altitude hold takes over where the climb stopped
        self.command = command

    def step(self) -> None:
        """Advance one physics step."""
        b, c, dt = self.body, self.config, self.dt
        if self.mode == FlightMode.LANDED:
            b.vx = b.vy = b.vz = b.yaw_rate = b.roll = b.pitch = 0.0
            b.z = self.ground_z
            return
        self.battery = max(0.0, self.battery - c.battery_drain_pct_per_min * dt / 60.0)
        if self.mode == FlightMode.EMERGENCY:
            self._fall(dt)
            return
        roll_cmd, pitch_cmd, vz_cmd, yaw_cmd = self._targets()
        att = dt / c.attitude_tau_s
        b.roll += (roll_cmd - b.roll) * min(1.0, att)
        b.pitch += (pitch_cmd - b.pitch) * min(1.0, att)
        b.yaw_rate += (yaw_cmd - b.yaw_rate) * min(1.0, dt / c.yaw_tau_s)
        b.yaw = (b.yaw + b.yaw_rate * dt + math.pi) % (2 * math.pi) - math.pi
        # Tilt tips the thrust vector: nose down (pitch < 0) accelerates forward, right side down accelerates right.
        a_fwd = -GRAVITY * math.tan(b.pitch)
        a_right = GRAVITY * math.tan(b.roll)
        (fx, fy), (rx, ry) = b.forward, b.right
        b.vx += (a_fwd * fx + a_right * rx - c.drag_per_s * b.vx) * dt
        b.vy += (a_fwd * fy + a_right * ry - c.drag_per_s * b.vy) * dt
        b.vz += (vz_cmd - b.vz) * min(1.0, dt / c.vz_tau_s)
        b.x += b.vx * dt
        b.y += b.vy * dt
        b.z += b.vz * dt
        if self.mode == FlightMode.TAKING_OFF and b.z >= c.takeoff_altitude_m - 0.02:
            self.mode = FlightMode.FLYING
            self.hold_z = c.takeoff_altitude_m
        if b.z <= self.ground_z:
            b.z = self.ground_z
            if self.mode == FlightMode.LANDING:
                self.mode = FlightMode.LANDED
                self.step()

    def _targets(self) -> tuple[float, float, float, float]:
        """Tilt, climb-rate and yaw-rate set points of the onboard controllers."""
        b, c, cmd = self.body, self.config, self.command
        if self.mode in (FlightMode.TAKING_OFF, FlightMode.LANDING) or cmd.is_hover:
            roll_cmd, pitch_cmd = self._hover_tilt()
            yaw_cmd = 0.0
        else:
            roll_cmd, pitch_cmd = cmd.roll * self.max_tilt, cmd.pitch * self.max_tilt
            yaw_cmd = cmd.yaw * self.max_yaw_rate
        if self.mode == FlightMode.TAKING_OFF:
            vz_cmd = c.max_vz_mps
        elif self.mode == FlightMode.LANDING:
            vz_cmd = -c.landing_speed_mps
        elif cmd.gaz != 0.0:
            vz_cmd = cmd.gaz * c.max_vz_mps
        else:
            vz_cmd = max(-c.max_vz_mps, min(c.max_vz_mps, ALTITUDE_HOLD_GAIN * (self.hold_z - b.z)))
        return roll_cmd, pitch_cmd, vz_cmd, yaw_cmd

    def _hover_tilt(self) -> tuple[float, float]:
        """Tilt that brakes the horizontal velocity to zero, as the hover mode does."""
        b = self.body
        (fx, fy), (rx, ry) = b.forward, b.right
        v_fwd = b.vx * fx + b.vy * fy
        v_right = b.vx * rx + b.vy * ry
        # Wanted deceleration -v / tau, minus what drag already provides, turned into tilt.
        a_fwd = -v_fwd / HOVER_BRAKE_TAU_S + self.config.drag_per_s * v_fwd
        a_right = -v_right / HOVER_BRAKE_TAU_S + self.config.drag_per_s * v_right
        pitch = math.atan2(-a_fwd, GRAVITY)
        roll = math.atan2(a_right, GRAVITY)
        return (max(-self.max_tilt, min(self.max_tilt, roll)), max(-self.max_tilt, min(self.max_tilt, pitch)))

    def _fall(self, dt: float) -> None:
        b = self.body
        b.vz -= GRAVITY * dt
        b.x += b.vx * dt
        b.y += b.vy * dt
        b.z += b.vz * dt
        if b.z <= self.ground_z:
            self.mode = FlightMode.LANDED
            self.step()

    def rotation(self) -> np.ndarray:
        """Body-to-world rotation; body axes x forward, y left, z up."""
        b = self.body
        # Heading about world z: counter-clockwise angle is -yaw because yaw grows clockwise.
        cz, sz = math.cos(-b.yaw), math.sin(-b.yaw)
        # Pitch + = nose up is a negative rotation about the body y (left) axis.
        cp, sp = math.cos(-b.pitch), math.sin(-b.pitch)
        # Roll + = right side down is a positive rotation about the body x (forward) axis.
        cr, sr = math.cos(b.roll), math.sin(b.roll)
        rz = np.array([[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]])
        ry = np.array([[cp, 0.0, sp], [0.0, 1.0, 0.0], [-sp, 0.0, cp]])
        rx = np.array([[1.0, 0.0, 0.0], [0.0, cr, -sr], [0.0, sr, cr]])
        return rz @ ry @ rx
