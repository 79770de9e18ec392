"""Typed configuration of the per-flight MCAP log."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.loader import spec


@dataclass(frozen=True)
class FlightLogConfig:
    enabled: bool = spec(True)  # every flight writes flight.mcap into its run folder
    depth_maps: bool = spec(True)  # stereo depth too (about 8 MB more a minute): offline retraining learns from it
    chunk_period_s: float = spec(1.0, lo=0.1, hi=60.0)  # a killed flight loses at most about this much
