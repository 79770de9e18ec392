"""Typed description of the airframe: mass, hull and the control limits written to the drone (and simulated)."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.loader import spec


@dataclass(frozen=True)
class DroneModelConfig:
    mass_kg: float = spec(0.42, lo=0.05, hi=10.0)
    hull_diameter_m: float = spec(0.52, lo=0.1, hi=2.0)
    hull_height_m: float = spec(0.12, lo=0.02, hi=1.0)
    max_tilt_deg: float = spec(12.0, lo=1.0, hi=30.0)  # control:euler_angle_max
    max_vz_mps: float = spec(0.7, lo=0.1, hi=2.0)  # control:control_vz_max
    max_yaw_rate_dps: float = spec(100.0, lo=10.0, hi=350.0)  # control:control_yaw
    attitude_tau_s: float = spec(0.12, lo=0.01, hi=2.0)  # first-order tilt response
    yaw_tau_s: float = spec(0.1, lo=0.01, hi=2.0)
    vz_tau_s: float = spec(0.15, lo=0.01, hi=2.0)
    drag_per_s: float = spec(0.55, lo=0.05, hi=5.0)  # linear drag: terminal speed = g tan(tilt) / drag
    takeoff_altitude_m: float = spec(1.0, lo=0.3, hi=5.0)
    landing_speed_mps: float = spec(0.5, lo=0.1, hi=2.0)
    # A take-off or landing that takes longer is a fault, on every device (simulated time in the simulator).
    manoeuvre_timeout_s: float = spec(10.0, lo=0.5, hi=60.0)
    battery_drain_pct_per_min: float = spec(0.0, lo=0.0, hi=100.0)
