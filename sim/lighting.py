"""Scene lighting in TinyRenderer's terms, fixed from the config or drawn per episode."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from drone_ssl_sim.config import LightingConfig

FIXED_DIRECTION = (-0.35, 0.25, 0.9)  # from above, a little off-axis, so the four walls are lit differently
MAX_GAIN = 1.05  # ambient + diffuse + specular kept below this, so bright texels do not saturate much


@dataclass(frozen=True)
class Lighting:
    """One directional light: `direction` points from the scene toward the light (unit, world frame).

    TinyRenderer shades a texel as colour * (ambient + (diffuse * max(0, n.direction) + specular * ...) * colour).
    """

    direction: tuple[float, float, float]
    ambient: float
    diffuse: float
    specular: float
    colour: tuple[float, float, float]

    @classmethod
    def fixed(cls, cfg: LightingConfig) -> Lighting:
        """The configured light, white, from FIXED_DIRECTION."""
        return cls(_unit(FIXED_DIRECTION), cfg.ambient, cfg.diffuse, 0.0, (1.0, 1.0, 1.0))

    @classmethod
    def random(cls, cfg: LightingConfig, rng: np.random.Generator) -> Lighting:
        """A light around the configured one: any azimuth, 25-80 deg elevation, +/- a quarter of the coefficients."""
        azimuth = rng.uniform(0.0, 2 * math.pi)
        elevation = math.radians(rng.uniform(25.0, 80.0))
        direction = (
            math.cos(elevation) * math.cos(azimuth),
            math.cos(elevation) * math.sin(azimuth),
            math.sin(elevation),
        )
        ambient = float(np.clip(cfg.ambient * rng.uniform(0.75, 1.25), 0.05, 1.0))
        diffuse = float(np.clip(cfg.diffuse * rng.uniform(0.75, 1.25), 0.0, 1.0))
        specular = float(rng.uniform(0.0, 0.05))
        r, g, b = (float(c) for c in rng.uniform(0.85, 1.0, size=3))
        spare = max(0.0, MAX_GAIN - ambient - specular)
        return cls(direction, ambient, min(diffuse, spare), specular, (r, g, b))


def _unit(v: tuple[float, float, float]) -> tuple[float, float, float]:
    n = math.sqrt(sum(c * c for c in v))
    return (v[0] / n, v[1] / n, v[2] / n)
