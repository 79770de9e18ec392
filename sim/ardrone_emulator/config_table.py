"""The emulated drone's configuration table, as `section:key` -> value strings, seeded from our typed config."""

from __future__ import annotations

import math

from drone_ssl.config.schema import DroneModelConfig


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
