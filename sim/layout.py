"""Obstacle layout for one episode: pure 2-D geometry on the floor plan, no PyBullet."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from drone_ssl_sim.config import SimConfig
from drone_ssl_sim.errors import SimError

POLE_RADIUS_M = (0.1, 0.25)
BOX_SIDE_M = (0.4, 1.0)
BOX_MIN_HEIGHT_M = 0.6
PANEL_THICKNESS_M = (0.05, 0.1)
PANEL_WIDTH_M = (0.8, 1.6)
PANEL_MIN_HEIGHT_M = 2.0

TRIES_PER_OBSTACLE = 60  # candidate poses drawn for one obstacle before the layout is restarted
LAYOUT_RESTARTS = 40  # whole layouts tried before giving up (a crowded but feasible count needs a few)


@dataclass(frozen=True)
class Obstacle:
    """One obstacle standing on the floor; (x, y) is the footprint centre, yaw the rotation about z (rad).

    size is (width, depth, height) in metres; a pole's width and depth are both its diameter.
    """

    kind: str
    x: float
    y: float
    yaw: float
    size: tuple[float, float, float]

    @property
    def radius(self) -> float:
        """A pole's radius (half its width)."""
        return self.size[0] / 2

    @property
    def reach(self) -> float:
        """Radius of the smallest circle about (x, y) that holds the footprint."""
        return self.radius if self.kind == "pole" else math.hypot(self.size[0], self.size[1]) / 2

    def wall_distance(self, half: float) -> float:
        """Distance to the nearest of the four walls at x, y = +/- half."""
        if self.kind == "pole":
            return half - max(abs(self.x), abs(self.y)) - self.radius
        c, s = abs(math.cos(self.yaw)), abs(math.sin(self.yaw))
        hw, hd = self.size[0] / 2, self.size[1] / 2
        return half - max(abs(self.x) + hw * c + hd * s, abs(self.y) + hw * s + hd * c)

    def point_distance(self, x: float, y: float) -> float:
        """Distance from the floor point (x, y) to the footprint (0 inside)."""
        dx, dy = x - self.x, y - self.y
        if self.kind == "pole":
            return max(0.0, math.hypot(dx, dy) - self.radius)
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        local_x, local_y = abs(c * dx + s * dy), abs(-s * dx + c * dy)
        return math.hypot(max(0.0, local_x - self.size[0] / 2), max(0.0, local_y - self.size[1] / 2))

    def footprint(self) -> Footprint:
        """The floor-plan shape: a circle for poles, a rotated rectangle otherwise."""
        if self.kind == "pole":
            return Footprint(np.array([[self.x, self.y]]), self.radius)
        hw, hd = self.size[0] / 2, self.size[1] / 2
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        local = np.array([[hw, hd], [-hw, hd], [-hw, -hd], [hw, -hd]])
        corners = local @ np.array([[c, s], [-s, c]]) + (self.x, self.y)
        return Footprint(corners, 0.0)


@dataclass(frozen=True)
class Footprint:
    """A convex polygon (or a single point) inflated by `radius`: covers circles and rectangles alike."""

    points: np.ndarray  # (n, 2), counter-clockwise when n > 2
    radius: float


def place_obstacles(sim: SimConfig, rng: np.random.Generator, start_xy: tuple[float, float]) -> list[Obstacle]:
    """Draw sim.obstacles.count obstacles that keep the configured gaps to each other, the walls and the start.

    Rejection sampling with a bounded number of tries; the same rng state always gives the same layout.
    Raises SimError when the count does not fit the room.
    """
    cfg = sim.obstacles
    half = sim.room.size_m / 2
    start = (float(start_xy[0]), float(start_xy[1]))
    for _ in range(LAYOUT_RESTARTS):
        placed: list[tuple[Obstacle, Footprint]] = []
        for _ in range(cfg.count):
            found = _place_one(sim, rng, half, start, placed)
            if found is None:
                break
            placed.append(found)
        else:
            return [obstacle for obstacle, _ in placed]
    raise SimError(
        f"sim.obstacles.count={cfg.count} obstacles do not fit a {sim.room.size_m:g} m room with "
        f"sim.obstacles.min_gap_m={cfg.min_gap_m:g} and start_clearance_m={cfg.start_clearance_m:g}; "
        "lower the count or the gaps, or enlarge sim.room.size_m"
    )


def _place_one(
    sim: SimConfig,
    rng: np.random.Generator,
    half: float,
    start: tuple[float, float],
    placed: list[tuple[Obstacle, Footprint]],
) -> tuple[Obstacle, Footprint] | None:
    cfg = sim.obstacles
    for _ in range(TRIES_PER_OBSTACLE):
        kind = str(cfg.kinds[int(rng.integers(len(cfg.kinds)))])
        width, depth, height = _draw_size(kind, rng, sim.room.height_m)
        room = half - cfg.min_gap_m - min(width, depth) / 2  # no centre further out can keep the wall gap
        if room <= 0:
            continue
        x, y = (float(v) for v in rng.uniform(-room, room, size=2))
        yaw = 0.0 if kind == "pole" else float(rng.uniform(0.0, math.pi))
        obstacle = Obstacle(kind, x, y, yaw, (width, depth, height))
        if obstacle.wall_distance(half) < cfg.min_gap_m:
            continue
        if obstacle.point_distance(*start) < cfg.start_clearance_m:
            continue
        if all(_apart(obstacle, other, shape, cfg.min_gap_m) for other, shape in placed):
            return obstacle, obstacle.footprint()
    return None


def _draw_size(kind: str, rng: np.random.Generator, room_height: float) -> tuple[float, float, float]:
    if kind == "pole":
        diameter = 2 * float(rng.uniform(*POLE_RADIUS_M))
        return diameter, diameter, room_height
    if kind == "box":
        width, depth = (float(v) for v in rng.uniform(*BOX_SIDE_M, size=2))
        return width, depth, float(rng.uniform(min(BOX_MIN_HEIGHT_M, room_height), room_height))
    if kind == "panel":
        width = float(rng.uniform(*PANEL_WIDTH_M))
        thickness = float(rng.uniform(*PANEL_THICKNESS_M))
        return width, thickness, float(rng.uniform(min(PANEL_MIN_HEIGHT_M, room_height), room_height))
    raise SimError(f"unknown obstacle kind {kind!r} in sim.obstacles.kinds; use pole, box or panel")


def distance(a: Footprint, b: Footprint) -> float:
    """Exact distance between two footprints (0 when they touch or overlap)."""
    return max(0.0, _core_distance(a.points, b.points) - a.radius - b.radius)


def _apart(candidate: Obstacle, other: Obstacle, other_shape: Footprint, gap: float) -> bool:
    """Whether two obstacles are at least `gap` apart; bounding circles settle most pairs without the exact test."""
    if math.hypot(candidate.x - other.x, candidate.y - other.y) - candidate.reach - other.reach >= gap:
        return True
    return distance(candidate.footprint(), other_shape) >= gap


def _core_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Distance between two convex point sets (points, segments or polygons); 0 when they overlap."""
    if (len(p) > 2 and _inside(q, p)) or (len(q) > 2 and _inside(p, q)):
        return 0.0
    best = min(_points_to_edges(p, q), _points_to_edges(q, p))
    if len(p) > 1 and len(q) > 1 and _edges_cross(p, q):
        return 0.0
    return best


def _edges(poly: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(poly) == 1:
        return poly, poly
    return poly, np.roll(poly, -1, axis=0)


def _points_to_edges(points: np.ndarray, poly: np.ndarray) -> float:
    a, b = _edges(poly)
    ab = b - a  # (m, 2)
    ap = points[:, None, :] - a[None, :, :]  # (n, m, 2)
    length2 = np.maximum(np.sum(ab * ab, axis=1), 1e-18)
    t = np.clip(np.sum(ap * ab, axis=2) / length2, 0.0, 1.0)
    closest = a[None] + t[..., None] * ab[None]
    return float(np.min(np.linalg.norm(points[:, None, :] - closest, axis=2)))


def _inside(points: np.ndarray, poly: np.ndarray) -> bool:
    """Whether any of `points` lies inside the counter-clockwise convex polygon `poly`."""
    a, b = _edges(poly)
    ab = b - a
    ap = points[:, None, :] - a[None]
    cross = ab[None, :, 0] * ap[..., 1] - ab[None, :, 1] * ap[..., 0]
    return bool(np.any(np.all(cross >= 0, axis=1)))


def _edges_cross(p: np.ndarray, q: np.ndarray) -> bool:
    """Whether any edge of p properly intersects any edge of q."""
    a, b = _edges(p)
    c, d = _edges(q)

    def orient(u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        return (v[..., 0] - u[..., 0]) * (w[..., 1] - u[..., 1]) - (v[..., 1] - u[..., 1]) * (w[..., 0] - u[..., 0])

    a, b, c, d = a[:, None], b[:, None], c[None], d[None]
    o1, o2 = orient(a, b, c), orient(a, b, d)
    o3, o4 = orient(c, d, a), orient(c, d, b)
    return bool(np.any((o1 * o2 < 0) & (o3 * o4 < 0)))
