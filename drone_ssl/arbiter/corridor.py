"""The drone's path in the column profile: obstacles beside the central region that the body would still hit."""

from __future__ import annotations

import math

import numpy as np


def corridor_distance(profile_m: np.ndarray | None, hfov_deg: float, half_width_m: float) -> float | None:
    """Nearest distance among the column bands whose obstacle lies within `half_width_m` of the flight line.

    The profile holds the nearest depth (along the optical axis) per equal-width column band across the image,
    left to right. A band's obstacle at depth Z is off the flight line by at least Z * tan(angle of the band's
    inner edge), so a near obstacle at the side of the view counts, a far one does not. None when no band in the
    corridor has a distance.
    """
    if profile_m is None:
        return None
    profile = np.asarray(profile_m, dtype=np.float64)
    if profile.size == 0:
        return None
    edges = np.linspace(-1.0, 1.0, profile.size + 1)  # band edges, normalised image x
    straddles = (edges[:-1] < 0) & (edges[1:] > 0)
    inner = np.where(straddles, 0.0, np.minimum(np.abs(edges[:-1]), np.abs(edges[1:])))
    offset = profile * inner * math.tan(math.radians(hfov_deg) / 2)
    in_path = np.isfinite(profile) & (offset <= half_width_m)
    return float(profile[in_path].min()) if in_path.any() else None


def ahead(
    distance_m: float | None, profile_m: np.ndarray | None, hfov_deg: float | None, half_width_m: float
) -> tuple[float | None, float | None]:
    """(the distance a decision uses, the nearest obstacle in the body's path): the central distance lowered by
    anything nearer in the path at the side of the view; the first is None when the cue has no central distance
    (blind: a side view that looks free does not make the centre free). No field of view: the centre alone."""
    corridor = None if hfov_deg is None else corridor_distance(profile_m, hfov_deg, half_width_m)
    if distance_m is None:
        return None, corridor
    return (distance_m if corridor is None else min(distance_m, corridor)), corridor


def nearest_ahead(
    distance_m: float | None, profile_m: np.ndarray | None, hfov_deg: float | None, half_width_m: float
) -> float | None:
    """The one distance a cue's obstacle decision compares with its threshold: "obstacle" is exactly
    `nearest_ahead(...) < threshold` (the decision distance, or the corridor's while the centre is blind)."""
    return nearest(ahead(distance_m, profile_m, hfov_deg, half_width_m))


def nearest(pair: tuple[float | None, float | None]) -> float | None:
    """The distance an `ahead` pair's decision compares: the decision distance, or the corridor's while blind."""
    decision, corridor = pair
    return corridor if decision is None else decision
