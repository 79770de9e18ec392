"""The PyBullet scene of an episode: textured room and obstacles, lighting, the drone's collision hull, ground truth."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pybullet as p

from drone_ssl_sim.config import SimSetup
from drone_ssl_sim.errors import SimError
from drone_ssl_sim.layout import Obstacle
from drone_ssl_sim.lighting import Lighting
from drone_ssl_sim.meshes import MeshUploader
from drone_ssl_sim.scene_plan import GROUP_DRONE, GROUP_SOLID, ScenePlan, Surface, plan_episode, plan_scene
from drone_ssl_sim.scene_prefetch import ScenePrefetcher
from drone_ssl_sim.textures import save_texture, texture_pool

__all__ = ["Contact", "Lighting", "World"]

RAY_OFFSETS = 5  # rays across the hull width ...
RAY_HEIGHTS = (-0.4, 0.0, 0.4)  # ... at these fractions of the hull height
UPRIGHT = (0.0, 0.0, 0.0, 1.0)  # quaternion(np.eye(3)), exactly
GREY = (0.5, 0.5, 0.5)  # a texture file that cannot be read back: the colour of nothing in particular


@dataclass(frozen=True)
class Contact:
    """A penetration of the drone hull: `normal` (unit, world) points from the obstacle toward the drone."""

    normal: np.ndarray
    depth: float  # metres, >= 0
    what: str  # "wall", "floor", "ceiling" or "obstacle:<index into World.obstacles>"


class World:
    """The room, its obstacles and the drone's collision hull inside a PyBullet client the caller owns.

    The World owns everything inside that client: build() starts with p.resetSimulation, which is the only way to
    release TinyRenderer textures (PyBullet cannot unload one, and p.changeTexture does not reach TinyRenderer), so
    memory stays flat over thousands of episodes. Give the World a client of its own.
    """

    def __init__(self, config: SimSetup, client: int, prefetch: bool = False) -> None:
        self.config = config
        self._client = client
        self._texture_dir = tempfile.TemporaryDirectory(prefix="drone_ssl_textures_")
        # Drawing ahead is for rooms that take long to draw: a texture pool draws in no time.
        ahead = prefetch and not config.sim.textures.pool
        self.prefetcher = ScenePrefetcher(config, self._texture_dir.name) if ahead else None
        # PyBullet caches every file it reads by name, for the life of the process (resetSimulation keeps it): with
        # caching on, a texture file rewritten under the same name shows the first episode's image forever, and a
        # new name per episode leaks ~8 MB an episode. Off, every load reads the file and resetSimulation frees it.
        p.setPhysicsEngineParameter(enableFileCaching=0, physicsClientId=client)
        self._loads = 0  # texture files get fresh names all the same: nothing can ever serve a stale image
        obj_dir = Path(self._texture_dir.name) if config.sim.renderer == "egl" else None
        self._meshes = MeshUploader(client, obj_dir)
        self.obstacles: list[Obstacle] = []
        # Each surface's texture mean (RGB 0..1) in creation order, by what it is: the room's look in a 3D view.
        self.surface_colours: list[tuple[str, tuple[float, float, float]]] = []
        self.lighting = Lighting.fixed(config.sim.lighting)
        self.drone_body = -1
        self._names: dict[int, str] = {}
        self._xyz = (0.0, 0.0, 0.0)  # where the hull is
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
        self.apply(plan_scene(self.config, rng, start_xy))

    def plan_episode(self, rng: np.random.Generator) -> ScenePlan:
        """The next episode drawn from `rng` (start pose, then as build): prefetched when it was, else drawn now."""
        plan = self.prefetcher.take(rng) if self.prefetcher is not None else None
        return plan if plan is not None else plan_episode(self.config, rng)

    def prefetch(self, rng: np.random.Generator) -> None:
        """Start drawing, in the background, the episode that `rng` in its present state would draw (if enabled)."""
        if self.prefetcher is not None:
            self.prefetcher.request(rng.bit_generator.state)

    def apply(self, plan: ScenePlan, keep_files: bool = False) -> list[str]:
        """Replace the scene with `plan`'s: every body and texture of the previous episode is released first.

        Returns the texture files read, which are deleted unless `keep_files` (another process reads them next).
        """
        p.resetSimulation(physicsClientId=self._client)
        for spent in Path(self._texture_dir.name).glob("mesh*.obj"):  # the last episode's meshes (EGL renderer)
            spent.unlink()
        self.obstacles, self.lighting, self._names = plan.obstacles, plan.lighting, {}
        self.surface_colours = []
        files = []
        for index, surface in enumerate(plan.surfaces):
            if plan.pool_indices:  # a pool texture's file is read again by later episodes: it stays
                tex = self.config.sim.textures
                image = texture_pool(tex.mode, tex.size_px, tex.pool, self.config.sim.seed)[plan.pool_indices[index]][1]
                self.surface_colours.append((surface.what, mean_colour(image)))
                self._add(surface, self._load_texture_file(self._pool_file(plan.pool_indices[index])))
                continue
            if plan.texture_files:
                path = Path(plan.texture_files[index])
                bgr = cv2.imread(str(path))
                self.surface_colours.append((surface.what, mean_colour(bgr[..., ::-1]) if bgr is not None else GREY))
            else:
                self.surface_colours.append((surface.what, mean_colour(plan.textures[index])))
                path = self._write_texture(index, plan.textures[index])
            texture = self._load_texture_file(path)
            if keep_files:
                files.append(str(path))
            else:
                path.unlink(missing_ok=True)  # PyBullet decoded it: the file is spent
            self._add(surface, texture)
        self.drone_body = self._add_drone()
        return files

    def place_drone(self, position: np.ndarray, rotation: np.ndarray) -> None:
        """Move the drone hull to `position` (world, m) with body-to-world rotation matrix `rotation` (3x3)."""
        if self.drone_body < 0:
            raise SimError("World.place_drone was called before World.build; build the room first")
        self._xyz = tuple(np.asarray(position, dtype=float).tolist())
        orientation = quaternion(rotation)
        p.resetBasePositionAndOrientation(self.drone_body, self._xyz, orientation, physicsClientId=self._client)

    def place_upright_hull(self, x: float, y: float, z: float) -> None:
        """place_drone for the upright hull (identity rotation), with plain floats: it runs every physics step."""
        if self.drone_body < 0:
            raise SimError("World.place_upright_hull was called before World.build; build the room first")
        self._xyz = (x, y, z)
        p.resetBasePositionAndOrientation(self.drone_body, self._xyz, UPRIGHT, physicsClientId=self._client)

    def contacts(self) -> list[Contact]:
        """Current penetrations of the drone hull, the deepest point per touched body; usually costs one AABB query."""
        reach, (x, y, z) = self._hull_reach, self._xyz
        near = p.getOverlappingObjects(
            (x - reach, y - reach, z - reach), (x + reach, y + reach, z + reach), physicsClientId=self._client
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
        """Empty the client (it stays connected: the caller owns it), stop prefetching, delete the texture files."""
        if self.prefetcher is not None:
            self.prefetcher.close()
        if p.isConnected(self._client):
            p.resetSimulation(physicsClientId=self._client)
        self.drone_body = -1
        self._texture_dir.cleanup()

    # -- building ----------------------------------------------------------------------------------------------

    def _pool_file(self, index: int) -> Path:
        path = Path(self._texture_dir.name) / f"pool{index}.bmp"
        if not path.exists():
            tex = self.config.sim.textures
            save_texture(path, texture_pool(tex.mode, tex.size_px, tex.pool, self.config.sim.seed)[index][1])
        return path

    def _write_texture(self, index: int, image: np.ndarray) -> Path:
        # BMP: uncompressed, so writing it costs next to nothing; PyBullet decodes it at once.
        self._loads += 1
        path = Path(self._texture_dir.name) / f"surface{index}_{self._loads}.bmp"
        save_texture(path, image)
        return path

    def _load_texture_file(self, path: Path) -> int:
        texture = p.loadTexture(str(path), physicsClientId=self._client)
        if texture < 0:
            raise SimError(f"PyBullet could not load texture file {path}")
        return texture

    def _add(self, surface: Surface, texture: int) -> int:
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
        body = p.createMultiBody(0.0, shape, -1, basePosition=self._xyz, physicsClientId=c)
        # TinyRenderer draws the collision shape of a body without visual shapes; fully transparent ones it skips.
        p.changeVisualShape(body, -1, rgbaColor=(1.0, 1.0, 1.0, 0.0), physicsClientId=c)
        p.setCollisionFilterGroupMask(body, -1, GROUP_DRONE, -1, physicsClientId=c)
        return body


def mean_colour(image: np.ndarray) -> tuple[float, float, float]:
    """An RGB uint8 texture's mean colour, 0..1 (every eighth pixel: a mean needs no more)."""
    rgb = np.asarray(image)[::8, ::8].reshape(-1, 3).mean(axis=0) / 255.0
    return float(rgb[0]), float(rgb[1]), float(rgb[2])


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
