"""The PyBullet scene of an episode: textured room and obstacles, lighting, the drone's collision hull, ground truth."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pybullet as p

from drone_ssl.config.schema import Config
from drone_ssl.errors import SimError
from sim.layout import Obstacle, place_obstacles
from sim.lighting import Lighting
from sim.meshes import Mesh, MeshUploader, TextureScale, cylinder, open_box, quad, wall
from sim.textures import PLAIN, TEXTURE_KINDS, make_texture

__all__ = ["Contact", "Lighting", "World"]

GROUP_SOLID = 1  # walls and obstacles: what nearest_ahead looks for
GROUP_FLOOR = 2  # floor and ceiling
GROUP_DRONE = 4
SHELL_M = 0.5  # thickness of the collision slabs behind the room's surfaces
RAY_OFFSETS = 5  # rays across the hull width ...
RAY_HEIGHTS = (-0.4, 0.0, 0.4)  # ... at these fractions of the hull height

# Which texture kinds suit which surface (all rich kinds work everywhere; this only looks more like a room).
SURFACE_KINDS = {
    "floor": ("wood", "tiles", "carpet", "noise"),
    "ceiling": ("noise", "tiles", "carpet"),
    "wall": TEXTURE_KINDS,
    "obstacle": TEXTURE_KINDS,
}


@dataclass(frozen=True)
class Contact:
    """A penetration of the drone hull: `normal` (unit, world) points from the obstacle toward the drone."""

    normal: np.ndarray
    depth: float  # metres, >= 0
    what: str  # "wall", "floor", "ceiling" or "obstacle:<index into World.obstacles>"


@dataclass(frozen=True)
class _Surface:
    """One body to create: what it is, its visual mesh and its collision shape arguments."""

    what: str
    mesh: Mesh
    collision: dict
    group: int
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    yaw: float = 0.0


class World:
    """The room, its obstacles and the drone's collision hull inside a PyBullet client the caller owns.

    The World owns everything inside that client: build() starts with p.resetSimulation, which is the only way to
    release TinyRenderer textures (PyBullet cannot unload one, and p.changeTexture does not reach TinyRenderer), so
    memory stays flat over thousands of episodes. Give the World a client of its own.
    """

    def __init__(self, config: Config, client: int) -> None:
        self.config = config
        self._client = client
        self._texture_dir = tempfile.TemporaryDirectory(prefix="drone_ssl_textures_")
        self._meshes = MeshUploader(client)
        self.obstacles: list[Obstacle] = []
        self.lighting = Lighting.fixed(config.sim.lighting)
        self.drone_body = -1
        self._names: dict[int, str] = {}
        self._position = np.zeros(3)
        hull = config.drone
        self._hull_radius = hull.hull_diameter_m / 2
        self._hull_reach = math.hypot(self._hull_radius, hull.hull_height_m / 2)  # bounding sphere of the hull
        lateral = np.linspace(-self._hull_radius, self._hull_radius, RAY_OFFSETS)
        heights = np.array(RAY_HEIGHTS) * hull.hull_height_m
        self._ray_grid = np.array([(o, h) for o in lateral for h in heights])  # (n, 2): lateral, vertical offsets
        self._ray_length = math.sqrt(2) * config.sim.room.size_m + 1.0

    def build(self, rng: np.random.Generator, start_xy: tuple[float, float]) -> None:
        """Rebuild the scene for a new episode; raises SimError (scene untouched) when the obstacles cannot fit.

        Draws from `rng`, in this order: the obstacle layout, the lighting (if sim.lighting.randomise), the
        textures (if sim.textures.randomise; otherwise they come from a generator seeded by sim.seed).
        """
        sim = self.config.sim
        obstacles = place_obstacles(sim, rng, start_xy)
        lighting = Lighting.random(sim.lighting, rng) if sim.lighting.randomise else Lighting.fixed(sim.lighting)
        texture_rng = rng if sim.textures.randomise else np.random.default_rng(sim.seed)
        # Obstacles first: TinyRenderer draws bodies in creation order, and walls drawn after the obstacles in front
        # of them fail the depth test before shading, which saves about a tenth of the render time.
        surfaces = [self._obstacle_surface(i, o, texture_rng) for i, o in enumerate(obstacles)]
        surfaces += self._room_surfaces(texture_rng)
        images = [self._texture(s.what, texture_rng) for s in surfaces]
        p.resetSimulation(physicsClientId=self._client)
        self.obstacles, self.lighting, self._names = obstacles, lighting, {}
        for index, (surface, image) in enumerate(zip(surfaces, images, strict=True)):
            self._add(surface, self._load_texture(index, image))
        self.drone_body = self._add_drone()

    def place_drone(self, position: np.ndarray, rotation: np.ndarray) -> None:
        """Move the drone hull to `position` (world, m) with body-to-world rotation matrix `rotation` (3x3)."""
        if self.drone_body < 0:
            raise SimError("World.place_drone was called before World.build; build the room first")
        self._position = np.asarray(position, dtype=float)
        p.resetBasePositionAndOrientation(
            self.drone_body, self._position.tolist(), quaternion(rotation), physicsClientId=self._client
        )

    def contacts(self) -> list[Contact]:
        """Current penetrations of the drone hull, the deepest point per touched body; usually costs one AABB query."""
        reach = self._hull_reach
        near = p.getOverlappingObjects(
            (self._position - reach).tolist(), (self._position + reach).tolist(), physicsClientId=self._client
        )
        found = []
        for body in sorted({b for b, _ in near or () if b != self.drone_body}):
            points = p.getClosestPoints(self.drone_body, body, 0.0, physicsClientId=self._client)
            if not points:
                continue
            deepest = min(points, key=lambda pt: pt[8])
            if deepest[8] <= 0.0:
                found.append(Contact(np.array(deepest[7], dtype=float), -float(deepest[8]), self._names[body]))
        return found

    def nearest_ahead(self, position: np.ndarray, forward_xy: np.ndarray) -> float:
        """Distance (m) from the drone centre along its horizontal heading to the first wall or obstacle.

        Casts rays parallel to the heading across the hull width and at a few heights (the corridor the hull would
        sweep), ignoring floor, ceiling and the hull itself; the distance is not reduced by the hull radius.
        """
        forward = np.array([forward_xy[0], forward_xy[1], 0.0], dtype=float)
        norm = np.linalg.norm(forward)
        if norm == 0.0:
            raise SimError("nearest_ahead needs a non-zero horizontal heading; pass the body x axis projected on xy")
        forward /= norm
        lateral = np.array([-forward[1], forward[0], 0.0])
        starts = (
            np.asarray(position, dtype=float)
            + self._ray_grid[:, :1] * lateral
            + self._ray_grid[:, 1:] * np.array([0.0, 0.0, 1.0])
        )
        ends = starts + forward * self._ray_length
        hits = p.rayTestBatch(
            starts.tolist(), ends.tolist(), collisionFilterMask=GROUP_SOLID, physicsClientId=self._client
        )
        fractions = [hit[2] for hit in hits if hit[0] >= 0]
        return min(fractions) * self._ray_length if fractions else math.inf

    def close(self) -> None:
        """Empty the client (it stays connected: the caller owns it) and delete the texture files."""
        if p.isConnected(self._client):
            p.resetSimulation(physicsClientId=self._client)
        self.drone_body = -1
        self._texture_dir.cleanup()

    # -- building ----------------------------------------------------------------------------------------------

    def _room_surfaces(self, rng: np.random.Generator) -> list[_Surface]:
        room = self.config.sim.room
        half, height, size = room.size_m / 2, room.height_m, room.size_m
        outer = half + SHELL_M  # slabs overlap at the corners so nothing can slip between them
        floor = quad(
            np.array([-half, -half, 0.0]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), size, size, self._scale(rng)
        )
        ceiling = quad(
            np.array([-half, half, height]), np.array([1.0, 0, 0]), np.array([0, -1.0, 0]), size, size, self._scale(rng)
        )
        surfaces = [
            _Surface("floor", floor, _box((outer, outer, SHELL_M / 2), (0, 0, -SHELL_M / 2)), GROUP_FLOOR),
            _Surface("ceiling", ceiling, _box((outer, outer, SHELL_M / 2), (0, 0, height + SHELL_M / 2)), GROUP_FLOOR),
        ]
        for facing in ((-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)):
            inward = np.array(facing)
            mesh = wall(-inward * half, inward, size, height, self._scale(rng))
            centre = -inward * (half + SHELL_M / 2)
            extents = (
                (SHELL_M / 2, outer, height / 2 + SHELL_M)
                if facing[1] == 0
                else (outer, SHELL_M / 2, height / 2 + SHELL_M)
            )
            surfaces.append(_Surface("wall", mesh, _box(extents, (centre[0], centre[1], height / 2)), GROUP_SOLID))
        return surfaces

    def _obstacle_surface(self, index: int, obstacle: Obstacle, rng: np.random.Generator) -> _Surface:
        width, depth, height = obstacle.size
        if obstacle.kind == "pole":
            mesh = cylinder(obstacle.radius, height, self._scale(rng), cap=True)
            collision = {
                "shapeType": p.GEOM_CYLINDER,
                "radius": obstacle.radius,
                "height": height,
                "collisionFramePosition": (0.0, 0.0, height / 2),
            }
        else:
            mesh = open_box(width, depth, height, self._scale(rng))
            collision = _box((width / 2, depth / 2, height / 2), (0.0, 0.0, height / 2))
        return _Surface(f"obstacle:{index}", mesh, collision, GROUP_SOLID, (obstacle.x, obstacle.y, 0.0), obstacle.yaw)

    def _scale(self, rng: np.random.Generator) -> TextureScale:
        """Metric texture density from the config; a random shift so tiled textures line up differently each time."""
        tex = self.config.sim.textures
        offset = rng.uniform(0.0, 1.0, size=2)
        return TextureScale.of(tex.px_per_m, tex.size_px, (float(offset[0]), float(offset[1])))

    def _texture(self, what: str, rng: np.random.Generator) -> np.ndarray:
        tex = self.config.sim.textures
        if tex.mode == "plain":
            return make_texture(PLAIN, rng, tex.size_px)
        kinds = SURFACE_KINDS[what.split(":")[0]]
        return make_texture(kinds[int(rng.integers(len(kinds)))], rng, tex.size_px)

    def _load_texture(self, index: int, image: np.ndarray) -> int:
        # BMP: uncompressed, so writing it costs next to nothing; PyBullet decodes it at once, the file can be reused.
        path = Path(self._texture_dir.name) / f"surface{index}.bmp"
        if not cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
            raise SimError(f"cannot write texture file {path}; check free space in the temporary directory")
        texture = p.loadTexture(str(path), physicsClientId=self._client)
        if texture < 0:
            raise SimError(f"PyBullet could not load texture file {path}")
        return texture

    def _add(self, surface: _Surface, texture: int) -> int:
        c = self._client
        collision = p.createCollisionShape(physicsClientId=c, **surface.collision)
        visual = self._meshes.create(surface.mesh)
        body = p.createMultiBody(
            0.0,
            collision,
            visual,
            basePosition=surface.position,
            baseOrientation=p.getQuaternionFromEuler((0.0, 0.0, surface.yaw)),
            physicsClientId=c,
        )
        p.setCollisionFilterGroupMask(body, -1, surface.group, -1, physicsClientId=c)
        p.changeVisualShape(body, -1, textureUniqueId=texture, physicsClientId=c)
        self._names[body] = surface.what
        return body

    def _add_drone(self) -> int:
        c = self._client
        hull = self.config.drone
        shape = p.createCollisionShape(
            p.GEOM_CYLINDER, radius=hull.hull_diameter_m / 2, height=hull.hull_height_m, physicsClientId=c
        )
        body = p.createMultiBody(0.0, shape, -1, basePosition=self._position.tolist(), physicsClientId=c)
        # TinyRenderer draws the collision shape of a body without visual shapes; fully transparent ones it skips.
        p.changeVisualShape(body, -1, rgbaColor=(1.0, 1.0, 1.0, 0.0), physicsClientId=c)
        p.setCollisionFilterGroupMask(body, -1, GROUP_DRONE, -1, physicsClientId=c)
        return body


def _box(half_extents: tuple[float, float, float], centre: tuple[float, float, float]) -> dict:
    return {"shapeType": p.GEOM_BOX, "halfExtents": half_extents, "collisionFramePosition": centre}


def quaternion(rotation: np.ndarray) -> tuple[float, float, float, float]:
    """PyBullet's (x, y, z, w) quaternion of a 3x3 rotation matrix (Shepperd's method, stable for any angle)."""
    m = np.asarray(rotation, dtype=float)
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = 2.0 * math.sqrt(trace + 1.0)
        q = ((m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s, 0.25 * s)
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * math.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = (0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s, (m[2, 1] - m[1, 2]) / s)
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * math.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = ((m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s, (m[0, 2] - m[2, 0]) / s)
    else:
        s = 2.0 * math.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = ((m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s, (m[1, 0] - m[0, 1]) / s)
    return q
