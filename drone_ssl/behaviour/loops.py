"""Feedback loops on navdata: body forward speed (pitch), sideways drift (roll) and altitude (gaz)."""

from __future__ import annotations

from drone_ssl.config.flight import BehaviourConfig
from drone_ssl.types import Command, DroneState


class SpeedLoop:
    """Holds a body forward speed with feed-forward + PI on pitch and cancels sideways drift with P on roll.

    Pitch - = forward (PCMD), so the loop's output is negated. The integral is clamped so that its share alone
    cannot exceed the tilt limit (no wind-up while braking or turning in place).
    """

    def __init__(self, config: BehaviourConfig) -> None:
        self.c = config
        self.integral = 0.0  # m of accumulated forward-speed error

    def reset(self) -> None:
        self.integral = 0.0

    def tilt(self, target_mps: float, state: DroneState, dt: float) -> tuple[float, float]:
        """(roll, pitch) commands, each within the tilt limit."""
        c = self.c
        forward, right, _ = state.velocity
        error = target_mps - forward
        if c.speed_ki > 0:
            bound = c.max_tilt_command / c.speed_ki
            self.integral = min(bound, max(-bound, self.integral + error * dt))
        push = c.speed_ff * target_mps + c.speed_kp * error + c.speed_ki * self.integral
        limit = c.max_tilt_command
        return min(limit, max(-limit, -c.speed_kp * right)), min(limit, max(-limit, -push))

    def command(self, state: DroneState, dt: float, speed_mps: float, yaw: float) -> Command:
        """The command that holds `speed_mps` forward and the configured altitude while yawing at `yaw`."""
        roll, pitch = self.tilt(speed_mps, state, dt)
        return Command.clipped(roll=roll, pitch=pitch, gaz=altitude_gaz(self.c, state.altitude), yaw=yaw)


def altitude_gaz(config: BehaviourConfig, altitude_m: float) -> float:
    """Climb command toward the configured altitude; 0 inside the deadband (the drone's own hold keeps it)."""
    error = config.altitude_m - altitude_m
    if abs(error) <= config.altitude_deadband_m:
        return 0.0
    return min(config.max_gaz, max(-config.max_gaz, config.altitude_kp * error))
