"""The PyBullet room: seeded scenes, the drone hull's contacts, ground-truth distance ahead, lighting, clean-up."""

from __future__ import annotations

import math

import numpy as np
import pybullet as p
import pytest
from scene_config import make_config

from drone_ssl_sim.errors import SimError
from drone_ssl_sim.lighting import Lighting
from drone_ssl_sim.rig import StereoRig
from drone_ssl_sim.world import World

SMALL_TEXTURES = "sim.textures.size_px=64"  # contacts and rays do not look at textures: build faster


@pytest.fixture
def client():
    c = p.connect(p.DIRECT)
    yield c
    p.disconnect(c)


def _built(client: int, seed: int, *overrides: str) -> World:
    world = World(make_config(*overrides), client)
    world.build(np.random.default_rng(seed), (0.0, 0.0))
    return world


def _yaw(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _snapshot(world: World, client: int) -> np.ndarray:
    rig = StereoRig(world.config.camera, client, "tiny")
    left, right, depth = rig.render(np.array([0.0, 0.0, 1.2]), _yaw(0.7), world.lighting, depth=True)
    return np.concatenate([left.ravel(), right.ravel(), depth.view(np.uint8).ravel()])


def test_same_seed_builds_the_same_scene(client):
    first = _built(client, 5)
    obstacles, lighting, image = first.obstacles, first.lighting, _snapshot(first, client)
    other = p.connect(p.DIRECT)
    try:
        again = _built(other, 5)
        assert again.obstacles == obstacles and again.lighting == lighting
        assert np.array_equal(_snapshot(again, other), image)
        again.build(np.random.default_rng(6), (0.0, 0.0))
        assert again.obstacles != obstacles
        assert not np.array_equal(_snapshot(again, other), image)
    finally:
        p.disconnect(other)


def test_rebuilding_replaces_the_scene(client):
    world = _built(client, 1, SMALL_TEXTURES)
    bodies = p.getNumBodies(physicsClientId=client)
    assert bodies == 6 + len(world.obstacles) + 1  # room, obstacles, hull
    for seed in range(3):
        world.build(np.random.default_rng(seed), (0.0, 0.0))
        assert p.getNumBodies(physicsClientId=client) == bodies


def test_fixed_textures_and_light_do_not_change_between_episodes(client):
    fixed = ("sim.obstacles.count=0", "sim.textures.randomise=false", "sim.lighting.randomise=false")
    world = _built(client, 1, *fixed)
    image = _snapshot(world, client)
    assert world.lighting == Lighting.fixed(world.config.sim.lighting)
    world.build(np.random.default_rng(2), (0.0, 0.0))
    assert np.array_equal(_snapshot(world, client), image)
    varied = _built(client, 1, "sim.obstacles.count=0")
    image = _snapshot(varied, client)
    varied.build(np.random.default_rng(2), (0.0, 0.0))
    assert not np.array_equal(_snapshot(varied, client), image)


def test_random_lighting_stays_in_range():
    cfg = make_config().sim.lighting
    for seed in range(50):
        light = Lighting.random(cfg, np.random.default_rng(seed))
        assert math.isclose(math.hypot(*light.direction), 1.0) and light.direction[2] > 0.4
        assert 0.05 <= light.ambient <= 1.0 and light.diffuse >= 0.0 and light.specular <= 0.05
        assert light.ambient + light.diffuse + light.specular <= 1.05 + 1e-9
        assert all(0.85 <= c <= 1.0 for c in light.colour)


@pytest.mark.parametrize(
    "position, what, normal",
    [
        ((2.5 - 0.26 + 0.05, 0.4, 1.5), "wall", (-1.0, 0.0, 0.0)),
        ((-2.5 + 0.26 - 0.05, -1.0, 1.5), "wall", (1.0, 0.0, 0.0)),
        ((0.3, 2.5 - 0.26 + 0.05, 1.5), "wall", (0.0, -1.0, 0.0)),
        ((0.3, 0.2, 0.06 - 0.05), "floor", (0.0, 0.0, 1.0)),
        ((0.3, 0.2, 3.0 - 0.06 + 0.05), "ceiling", (0.0, 0.0, -1.0)),
    ],
)
def test_hull_pushed_into_a_surface_touches_it_with_the_normal_pointing_away(client, position, what, normal):
    world = _built(client, 0, "sim.obstacles.count=0", SMALL_TEXTURES)  # hull: 0.52 m wide, 0.12 m tall
    world.place_drone(np.array(position), np.eye(3))
    (contact,) = world.contacts()
    assert contact.what == what
    assert np.allclose(contact.normal, normal, atol=1e-6)
    assert contact.depth == pytest.approx(0.05, abs=1e-4)


def test_corner_touches_two_walls_and_free_space_touches_nothing(client):
    world = _built(client, 0, "sim.obstacles.count=0", SMALL_TEXTURES)
    world.place_drone(np.array([0.0, 0.0, 1.5]), np.eye(3))
    assert world.contacts() == []
    world.place_drone(np.array([2.3, 2.3, 1.5]), _yaw(0.3))
    normals = sorted(tuple(np.round(c.normal, 6)) for c in world.contacts())
    assert normals == [(-1.0, 0.0, 0.0), (0.0, -1.0, 0.0)]


def test_hull_touching_an_obstacle_names_it_and_points_away_from_it(client):
    world = _built(client, 3, "sim.obstacles.count=2", "sim.obstacles.kinds=[pole]", SMALL_TEXTURES)
    pole = world.obstacles[1]
    away = np.array([math.cos(1.0), math.sin(1.0), 0.0])
    centre = np.array([pole.x, pole.y, 1.5]) + away * (pole.radius + 0.26 - 0.04)
    world.place_drone(centre, np.eye(3))
    (contact,) = world.contacts()
    assert contact.what == "obstacle:1"
    assert np.allclose(contact.normal, away, atol=1e-3)
    assert contact.depth == pytest.approx(0.04, abs=1e-3)


def test_nearest_ahead_facing_walls_at_known_distances(client):
    world = _built(client, 0, "sim.obstacles.count=0", SMALL_TEXTURES)
    here = np.array([0.5, 0.3, 1.5])
    assert world.nearest_ahead(here, np.array([1.0, 0.0])) == pytest.approx(2.0, abs=1e-6)
    assert world.nearest_ahead(here, np.array([-2.0, 0.0])) == pytest.approx(3.0, abs=1e-6)
    assert world.nearest_ahead(here, np.array([0.0, 1.0])) == pytest.approx(2.2, abs=1e-6)
    # floor and ceiling never count, even with the hull resting on the floor
    assert world.nearest_ahead(np.array([0.5, 0.3, 0.06]), np.array([1.0, 0.0])) == pytest.approx(2.0, abs=1e-6)
    with pytest.raises(SimError):
        world.nearest_ahead(here, np.array([0.0, 0.0]))


def test_nearest_ahead_sees_an_obstacle_in_the_hull_corridor_only(client):
    world = _built(client, 3, "sim.obstacles.count=1", "sim.obstacles.kinds=[pole]", SMALL_TEXTURES)
    pole = world.obstacles[0]
    centre = np.array([pole.x, pole.y])
    start = np.array([0.0, 0.0])
    heading = (centre - start) / np.linalg.norm(centre - start)
    here = np.array([0.0, 0.0, 1.5])
    assert world.nearest_ahead(here, heading) == pytest.approx(np.linalg.norm(centre) - pole.radius, abs=1e-3)
    side = np.array([-heading[1], heading[0]])
    clear = world.nearest_ahead(np.append(start + side * (0.26 + pole.radius + 0.03), 1.5), heading)
    grazed = world.nearest_ahead(np.append(start + side * (0.26 + pole.radius - 0.03), 1.5), heading)
    assert clear > np.linalg.norm(centre) + 0.5  # passes the pole, stops at a wall
    assert grazed < np.linalg.norm(centre)


def test_the_cameras_do_not_see_the_hull(client):
    world = _built(client, 0, "sim.obstacles.count=0")
    rig = StereoRig(world.config.camera, client, "tiny")
    pose = (np.array([0.0, 0.0, 1.2]), _yaw(0.4))
    ahead = pose[0] + pose[1] @ np.array([1.0, 0.0, 0.0])  # in plain view of both cameras
    renders = []
    for hull_at in (np.array([0.0, 0.0, -5.0]), pose[0], ahead):
        world.place_drone(hull_at, np.eye(3))
        renders.append(rig.render(*pose, world.lighting, depth=True))
    for other in renders[1:]:
        for a, b in zip(renders[0], other, strict=True):
            assert np.array_equal(a, b)
    p.changeVisualShape(world.drone_body, -1, rgbaColor=(1, 1, 1, 1), physicsClientId=client)
    assert not np.array_equal(rig.render(*pose, world.lighting)[0], renders[0][0])  # the test would notice


def test_plain_textures_leave_nothing_to_match(client):
    rig = None
    contrast = {}
    for mode in ("rich", "plain"):
        world = _built(client, 0, "sim.obstacles.count=0", f"sim.textures.mode={mode}")
        rig = rig or StereoRig(world.config.camera, client, "tiny")
        left, _, _ = rig.render(np.array([0.0, 0.0, 1.5]), np.eye(3), world.lighting)
        centre = left[24:72, 32:96].astype(np.float32)
        contrast[mode] = float(np.abs(np.diff(centre, axis=1)).mean())
    assert contrast["plain"] < 0.2 < 3.0 < contrast["rich"]


def test_close_empties_the_client(client):
    world = _built(client, 0, SMALL_TEXTURES)
    world.close()
    assert p.getNumBodies(physicsClientId=client) == 0


def test_every_episode_shows_its_own_textures(client):
    # PyBullet caches every file it reads by name for the life of the process: a World that reused its texture file
    # names showed the first episode's textures in every later episode.
    world = _built(client, 1, SMALL_TEXTURES)
    world.build(np.random.default_rng(2), (0.0, 0.0))
    later = _snapshot(world, client)
    other = p.connect(p.DIRECT)
    try:
        assert np.array_equal(_snapshot(_built(other, 2, SMALL_TEXTURES), other), later)
    finally:
        p.disconnect(other)
