"""What an episode's scene is, drawn from the episode's generator without touching PyBullet (so another process can)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from drone_ssl_sim.config import SimSetup
from drone_ssl_sim.layout import Obstacle, place_obstacles
from drone_ssl_sim.lighting import Lighting
from drone_ssl_sim.meshes import Mesh, TextureScale, cylinder, open_box, quad, wall
from drone_ssl_sim.textures import PLAIN, TEXTURE_KINDS, make_texture, texture_pool

GROUP_SOLID = 1  # walls and obstacles: what nearest_ahead looks for
GROUP_FLOOR = 2  # floor and ceiling
GROUP_DRONE = 4
SHELL_M = 0.5  # thickness of the collision slabs behind the room's surfaces
GEOM_BOX, GEOM_CYLINDER = 3, 4  # pybullet.GEOM_BOX and GEOM_CYLINDER, without importing PyBullet here

# Which texture kinds suit which surface (all rich kinds work everywhere; this only looks more like a room).
SURFACE_KINDS = {
    "floor": ("wood", "tiles", "carpet", "noise"),
    "ceiling": ("noise", "tiles", "carpet"),
    "wall": TEXTURE_KINDS,
    "obstacle": TEXTURE_KINDS,
}


@dataclass(frozen=True)
class Surface:
    """One body to create: what it is, its visual mesh and its collision shape arguments."""

    what: str
    mesh: Mesh
    collision: dict
    group: int
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    yaw: float = 0.0


@dataclass
class ScenePlan:
    """Everything an episode draws: start pose, obstacles, lighting, surfaces in creation order and their textures.

    `textures` holds one RGB image per surface, or is empty when `texture_files` already holds them as BMP files or
    `pool_indices` picks them from texture_pool (sim.textures.pool > 0).
    `rng_state` is the generator's state after the draws, so that the episode's later draws continue from there.
    """

    start: tuple[float, float, float]  # x, y (m), yaw (rad)
    obstacles: list[Obstacle]
    lighting: Lighting
    surfaces: list[Surface]
    textures: list[np.ndarray] = field(default_factory=list)
    texture_files: list[str] = field(default_factory=list)
    rng_state: dict | None = None
    pool_indices: list[int] = field(default_factory=list)


def draw_start(config: SimSetup, rng: np.random.Generator) -> tuple[float, float, float]:
    """The landed start pose: the configured one, or drawn from `rng` when sim.start.randomise."""
    start = config.sim.start
    if not start.randomise:
        return start.x_m, start.y_m, math.radians(start.yaw_deg)
    margin = config.sim.room.size_m / 2 - 0.8
    x, y = (float(v) for v in rng.uniform(-margin, margin, size=2))
    return x, y, float(rng.uniform(-math.pi, math.pi))


def plan_episode(config: SimSetup, rng: np.random.Generator) -> ScenePlan:
    """Draw a whole episode from `rng`: the start pose (if sim.start.randomise), then plan_scene's draws."""
    start = draw_start(config, rng)
    plan = plan_scene(config, rng, start[:2])
    plan.start = start
    return plan


def plan_scene(config: SimSetup, rng: np.random.Generator, start_xy: tuple[float, float]) -> ScenePlan:
    """Draw the scene around a start point from `rng`, in this order: the obstacle layout, the lighting (if
    sim.lighting.randomise), the textures (if sim.textures.randomise; otherwise from a generator seeded by sim.seed).

    Raises SimError when the obstacles cannot fit. The same generator state always gives the same plan.
    """
    sim = config.sim
    obstacles = place_obstacles(sim, rng, start_xy)
    lighting = Lighting.random(sim.lighting, rng) if sim.lighting.randomise else Lighting.fixed(sim.lighting)
    texture_rng = rng if sim.textures.randomise else np.random.default_rng(sim.seed)
    # Obstacles first: TinyRenderer draws bodies in creation order, and walls drawn after the obstacles in front
    # of them fail the depth test before shading, which saves about a tenth of the render time.
    surfaces = [_obstacle_surface(config, i, o, texture_rng) for i, o in enumerate(obstacles)]
    surfaces += _room_surfaces(config, texture_rng)
    start = (float(start_xy[0]), float(start_xy[1]), 0.0)
    if sim.textures.pool:
        picks = [_pool_pick(config, s.what, texture_rng) for s in surfaces]
        return ScenePlan(start, obstacles, lighting, surfaces, rng_state=rng.bit_generator.state, pool_indices=picks)
    textures = [_texture(config, s.what, texture_rng) for s in surfaces]
    return ScenePlan(start, obstacles, lighting, surfaces, textures, rng_state=rng.bit_generator.state)


def _room_surfaces(config: SimSetup, rng: np.random.Generator) -> list[Surface]:
    room = config.sim.room
    half, height, size = room.size_m / 2, room.height_m, room.size_m
    outer = half + SHELL_M  # slabs overlap at the corners so nothing can slip between them
    floor = quad(
        np.array([-half, -half, 0.0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), size, size, _scale(config, rng)
    )
    ceiling = quad(
        np.array([-half, half, height]), np.array([1.0, 0, 0]), np.array([0, -1.0, 0]), size, size, _scale(config, rng)
    )
    surfaces = [
        Surface("floor", floor, box((outer, outer, SHELL_M / 2), (0, 0, -SHELL_M / 2)), GROUP_FLOOR),
        Surface("ceiling", ceiling, box((outer, outer, SHELL_M / 2), (0, 0, height + SHELL_M / 2)), GROUP_FLOOR),
    ]
    for facing in ((-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)):
        inward = np.array(facing)
        mesh = wall(-inward * half, inward, size, height, _scale(config, rng))
        centre = -inward * (half + SHELL_M / 2)
        extents = (
            (SHELL_M / 2, outer, height / 2 + SHELL_M) if facing[1] == 0 else (outer, SHELL_M / 2, height / 2 + SHELL_M)
        )
        surfaces.append(Surface("wall", mesh, box(extents, (centre[0], centre[1], height / 2)), GROUP_SOLID))
    return surfaces


def _obstacle_surface(config: SimSetup, index: int, obstacle: Obstacle, rng: np.random.Generator) -> Surface:
    width, depth, height = obstacle.size
    if obstacle.kind == "pole":
        mesh = cylinder(obstacle.radius, height, _scale(config, rng), cap=True)
        collision = {
            "shapeType": GEOM_CYLINDER,
            "radius": obstacle.radius,
            "height": height,
            "collisionFramePosition": (0.0, 0.0, height / 2),
        }
    else:
        mesh = open_box(width, depth, height, _scale(config, rng))
        collision = box((width / 2, depth / 2, height / 2), (0.0, 0.0, height / 2))
    return Surface(f"obstacle:{index}", mesh, collision, GROUP_SOLID, (obstacle.x, obstacle.y, 0.0), obstacle.yaw)


def _scale(config: SimSetup, rng: np.random.Generator) -> TextureScale:
    """Metric texture density from the config; a random shift so tiled textures line up differently each time."""
    tex = config.sim.textures
    offset = rng.uniform(0.0, 1.0, size=2)
    return TextureScale.of(tex.px_per_m, tex.size_px, (float(offset[0]), float(offset[1])))


def _texture(config: SimSetup, what: str, rng: np.random.Generator) -> np.ndarray:
    tex = config.sim.textures
    if tex.mode == "plain":
        return make_texture(PLAIN, rng, tex.size_px)
    kinds = SURFACE_KINDS[what.split(":")[0]]
    return make_texture(kinds[int(rng.integers(len(kinds)))], rng, tex.size_px)


def _pool_pick(config: SimSetup, what: str, rng: np.random.Generator) -> int:
    """Index into texture_pool of a texture whose kind suits the surface."""
    tex = config.sim.textures
    pool = texture_pool(tex.mode, tex.size_px, tex.pool, config.sim.seed)
    suits = (PLAIN,) if tex.mode == "plain" else SURFACE_KINDS[what.split(":")[0]]
    fitting = [i for i, (kind, _) in enumerate(pool) if kind in suits] or list(range(len(pool)))
    return fitting[int(rng.integers(len(fitting)))]


def box(half_extents: tuple[float, float, float], centre: tuple[float, float, float]) -> dict:
    """createCollisionShape arguments of a box."""
    return {"shapeType": GEOM_BOX, "halfExtents": half_extents, "collisionFramePosition": centre}
