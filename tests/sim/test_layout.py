"""Obstacle layouts: seeded, inside the room, clear of the start, the walls and each other, or a SimError."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scene_config import make_config

from drone_ssl_sim.errors import SimError
from drone_ssl_sim.layout import Footprint, Obstacle, distance, place_obstacles


def _sim(*overrides: str):
    return make_config(*overrides).sim


def _outline(obstacle: Obstacle, step: float = 0.01) -> np.ndarray:
    """Points on the footprint's boundary, sampled independently of the module's distance code."""
    if obstacle.kind == "pole":
        angles = np.linspace(0, 2 * math.pi, 180, endpoint=False)
        return np.stack(
            [obstacle.x + obstacle.radius * np.cos(angles), obstacle.y + obstacle.radius * np.sin(angles)], 1
        )
    hw, hd = obstacle.size[0] / 2, obstacle.size[1] / 2
    corners = np.array([[hw, hd], [-hw, hd], [-hw, -hd], [hw, -hd], [hw, hd]])
    points = []
    for a, b in zip(corners[:-1], corners[1:], strict=True):
        n = max(2, int(np.linalg.norm(b - a) / step))
        points.append(a + np.linspace(0, 1, n)[:, None] * (b - a))
    local = np.concatenate(points)
    c, s = math.cos(obstacle.yaw), math.sin(obstacle.yaw)
    return local @ np.array([[c, s], [-s, c]]) + (obstacle.x, obstacle.y)


def _min_distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.min(np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)))


def test_same_seed_same_layout_and_different_seeds_differ():
    sim = _sim()
    first = place_obstacles(sim, np.random.default_rng(7), (0.0, 0.0))
    again = place_obstacles(sim, np.random.default_rng(7), (0.0, 0.0))
    other = place_obstacles(sim, np.random.default_rng(8), (0.0, 0.0))
    assert first == again
    assert first != other
    assert len(first) == sim.obstacles.count


@pytest.mark.parametrize(
    "overrides, start",
    [
        ((), (0.0, 0.0)),
        (("sim.obstacles.count=5",), (0.0, 0.0)),
        (("sim.obstacles.min_gap_m=0.5", "sim.obstacles.count=6"), (1.0, -1.2)),
        (("sim.room.size_m=8.0", "sim.obstacles.count=7", "sim.obstacles.kinds=[panel]"), (2.0, 2.0)),
    ],
)
def test_clearances_hold_for_many_seeds(overrides, start):
    sim = _sim(*overrides)
    cfg, half = sim.obstacles, sim.room.size_m / 2
    tolerance = 0.011  # the boundary sampling step
    for seed in range(15):
        obstacles = place_obstacles(sim, np.random.default_rng(seed), start)
        outlines = [_outline(o) for o in obstacles]
        for obstacle, outline in zip(obstacles, outlines, strict=True):
            assert obstacle.kind in cfg.kinds
            assert half - np.max(np.abs(outline)) >= cfg.min_gap_m - tolerance, "too close to a wall"
            assert _min_distance(outline, np.array([start])) >= cfg.start_clearance_m - tolerance, "too close to start"
            inside = np.hypot(obstacle.x - start[0], obstacle.y - start[1]) < cfg.start_clearance_m
            assert not inside
        for i in range(len(outlines)):
            for j in range(i + 1, len(outlines)):
                reach = [
                    float(np.max(np.hypot(o[:, 0] - ob.x, o[:, 1] - ob.y)))
                    for o, ob in ((outlines[i], obstacles[i]), (outlines[j], obstacles[j]))
                ]
                if (
                    math.hypot(obstacles[i].x - obstacles[j].x, obstacles[i].y - obstacles[j].y) - sum(reach)
                    > cfg.min_gap_m
                ):
                    continue  # bounding circles already apart
                assert _min_distance(outlines[i], outlines[j]) >= cfg.min_gap_m - tolerance, "obstacles too close"


def test_sizes_follow_the_kinds():
    sim = _sim("sim.obstacles.count=5")
    height = sim.room.height_m
    seen = set()
    for seed in range(30):
        for o in place_obstacles(sim, np.random.default_rng(seed), (0.0, 0.0)):
            seen.add(o.kind)
            width, depth, tall = o.size
            if o.kind == "pole":
                assert 0.1 <= o.radius <= 0.25 and width == depth and tall == height and o.yaw == 0.0
            elif o.kind == "box":
                assert 0.4 <= width <= 1.0 and 0.4 <= depth <= 1.0 and 0.6 <= tall <= height
            else:
                assert 0.8 <= width <= 1.6 and 0.05 <= depth <= 0.1 and 2.0 <= tall <= height
    assert seen == {"pole", "box", "panel"}


def test_impossible_count_raises_naming_the_key():
    with pytest.raises(SimError, match=r"sim\.obstacles\.count=40"):
        place_obstacles(_sim("sim.obstacles.count=40"), np.random.default_rng(0), (0.0, 0.0))


def test_no_obstacles_is_an_empty_layout():
    assert place_obstacles(_sim("sim.obstacles.count=0"), np.random.default_rng(0), (0.0, 0.0)) == []


def test_footprint_distances_are_exact():
    square = Footprint(np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]), 0.0)
    beside = Footprint(square.points + (3.0, 0.0), 0.0)
    diagonal = Footprint(square.points + (2.0, 2.0), 0.0)
    overlapping = Footprint(square.points + (0.5, 0.5), 0.0)
    circle = Footprint(np.array([[3.0, 0.5]]), 0.5)
    inner_circle = Footprint(np.array([[0.5, 0.5]]), 0.1)
    assert distance(square, beside) == pytest.approx(2.0)
    assert distance(square, diagonal) == pytest.approx(math.sqrt(2))
    assert distance(square, overlapping) == 0.0
    assert distance(square, circle) == pytest.approx(1.5)
    assert distance(square, inner_circle) == 0.0
    assert distance(circle, Footprint(np.array([[5.0, 0.5]]), 0.5)) == pytest.approx(1.0)


def test_obstacle_distances_to_walls_and_points():
    pole = Obstacle("pole", 3.0, 0.5, 0.0, (1.0, 1.0, 3.0))
    box = Obstacle("box", 0.0, 0.0, 0.0, (1.0, 2.0, 1.0))
    turned = Obstacle("box", 0.0, 0.0, math.pi / 4, (1.0, 1.0, 1.0))
    assert pole.wall_distance(4.0) == pytest.approx(0.5)
    assert box.wall_distance(2.5) == pytest.approx(1.5)
    assert turned.wall_distance(2.5) == pytest.approx(2.5 - math.sqrt(0.5))
    assert pole.point_distance(3.0, 2.5) == pytest.approx(1.5)
    assert box.point_distance(2.0, 0.0) == pytest.approx(1.5)
    assert box.point_distance(1.5, 2.0) == pytest.approx(math.sqrt(2))
    assert box.point_distance(0.2, 0.3) == 0.0
    assert turned.point_distance(2.0, 0.0) == pytest.approx(2.0 - math.sqrt(0.5))
    assert turned.reach == pytest.approx(math.sqrt(0.5))
