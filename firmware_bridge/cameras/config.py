"""Typed configuration of a real drone's stereo camera source (the `bridge.stereo:` keys)."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.loader import spec


@dataclass(frozen=True)
class StereoStreamConfig:
    layout: str = spec("side_by_side", choices=("side_by_side", "two_streams"))  # one frame holding both, or two
    frame_timeout_s: float = spec(2.0, lo=0.1, hi=60.0)  # read() gives up (a typed error) after this long
