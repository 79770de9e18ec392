"""The emulated drone's configuration table, as `section:key` -> value strings, seeded from our typed config."""

from __future__ import annotations

import math

from drone_ssl.airframe import DroneModelConfig


def default_table(model: DroneModelConfig) -> dict[str, str]:
    """What a fresh AR.Drone 2.0 reports, with the control limits of our flight model."""
    return {
        "general:num_version_config": "1",
        "general:num_version_soft": "2.4.8",
        "general:drone_serial": "EMULATOR0000",
        "general:ardrone_name": "ardrone2_emulator",
        "general:navdata_demo": "FALSE",
        "general:navdata_options": "0",
        "general:com_watchdog": "2",
        "general:video_enable": "TRUE",
        "general:vbat_min": "9000",
        "control:altitude_max": "3000",
        "control:altitude_min": "50",
        "control:euler_angle_max": f"{math.radians(model.max_tilt_deg):.6f}",
        "control:control_vz_max": str(round(model.max_vz_mps * 1000)),
        "control:control_yaw": f"{math.radians(model.max_yaw_rate_dps):.6f}",
        "control:outdoor": "FALSE",
        "control:flight_without_shell": "FALSE",
        "video:video_codec": "129",
        "video:video_channel": "0",
        "network:ssid_single_player": "ardrone2_emulator",
        "custom:session_id": "00000000",
        "custom:profile_id": "00000000",
        "custom:application_id": "00000000",
    }


# Numeric keys the flight depends on, with the range the firmware accepts; anything else keeps its old value.
NUMERIC_RANGES: dict[str, tuple[float, float]] = {
    "control:altitude_max": (500, 100_000),  # mm
    "control:altitude_min": (50, 10_000),
    "control:euler_angle_max": (0.0, 0.52),  # rad
    "control:control_vz_max": (200, 2000),  # mm/s
    "control:control_yaw": (0.7, 6.11),  # rad/s
    "general:navdata_options": (0, 2**32 - 1),
    "general:com_watchdog": (0, 10_000),
    "general:vbat_min": (0, 20_000),
    "video:video_codec": (0, 2**16),
    "video:video_channel": (0, 3),
}
BOOLEAN_KEYS = ("general:navdata_demo", "general:video_enable", "control:outdoor", "control:flight_without_shell")


def accepts(key: str, value: str) -> bool:
    """Whether the firmware would take `value` for `key`: numbers that parse, are finite and in range; TRUE or
    FALSE for switches. The real drone ignores a bad value (and keeps flying on the old one)."""
    if key in BOOLEAN_KEYS:
        return value.upper() in ("TRUE", "FALSE")
    if key in NUMERIC_RANGES:
        try:
            number = float(value)
        except ValueError:
            return False
        lo, hi = NUMERIC_RANGES[key]
        return math.isfinite(number) and lo <= number <= hi
    return len(value) <= 256
