"""Triangle meshes with normals and metric UVs (quads, open boxes, cylinders) and their PyBullet visual shapes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pybullet as p

UP = np.array([0.0, 0.0, 1.0])


@dataclass(frozen=True)
class Mesh:
    """Vertices (n, 3) m, flat triangle indices (3k,), UVs (n, 2) in texture repeats, unit normals (n, 3).

    Triangles wind counter-clockwise seen from the side their normal points to: TinyRenderer culls back faces.
    """

    vertices: np.ndarray
    indices: np.ndarray
    uvs: np.ndarray
    normals: np.ndarray

    @property
    def triangles(self) -> int:
        return len(self.indices) // 3

    @staticmethod
    def merge(meshes: list[Mesh]) -> Mesh:
        """One mesh holding all of `meshes` (indices shifted), so a body needs one visual shape."""
        offsets = np.cumsum([0] + [len(m.vertices) for m in meshes[:-1]])
        return Mesh(
            np.concatenate([m.vertices for m in meshes]),
            np.concatenate([m.indices + off for m, off in zip(meshes, offsets, strict=True)]),
            np.concatenate([m.uvs for m in meshes]),
            np.concatenate([m.normals for m in meshes]),
        )


@dataclass(frozen=True)
class TextureScale:
    """How a texture maps onto metres: `repeat_m` metres per texture image, shifted by `offset` (in repeats)."""

    repeat_m: float
    offset: tuple[float, float] = (0.0, 0.0)

    @classmethod
    def of(cls, px_per_m: float, size_px: int, offset: tuple[float, float] = (0.0, 0.0)) -> TextureScale:
        """The scale that puts `px_per_m` texels on every metre of a surface whatever its size (the image tiles)."""
        return cls(size_px / px_per_m, offset)

    def uv(self, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        """UVs of surface coordinates (s, t) in metres; v grows upward in the image (OpenGL, TinyRenderer)."""
        return np.stack([s / self.repeat_m + self.offset[0], t / self.repeat_m + self.offset[1]], axis=-1)


def quad(
    corner: np.ndarray, u_axis: np.ndarray, v_axis: np.ndarray, width: float, height: float, tex: TextureScale
) -> Mesh:
    """A width x height rectangle from `corner` along unit axes u, v; it faces u x v (seen from there, u runs right)."""
    corner, u_axis, v_axis = (np.asarray(a, dtype=float) for a in (corner, u_axis, v_axis))
    s = np.array([0.0, width, width, 0.0])
    t = np.array([0.0, 0.0, height, height])
    vertices = corner + s[:, None] * u_axis + t[:, None] * v_axis
    normal = np.cross(u_axis, v_axis)
    return Mesh(vertices, np.array([0, 1, 2, 0, 2, 3]), tex.uv(s, t), np.tile(normal, (4, 1)))


def wall(centre_xy: np.ndarray, facing: np.ndarray, length: float, height: float, tex: TextureScale) -> Mesh:
    """A vertical rectangle standing on the floor, centred at `centre_xy`, facing horizontal unit vector `facing`."""
    facing = np.array([facing[0], facing[1], 0.0])
    u_axis = np.cross(UP, facing)  # the viewer's right when the viewer looks against `facing`: text is not mirrored
    corner = np.array([centre_xy[0], centre_xy[1], 0.0]) - u_axis * length / 2
    return quad(corner, u_axis, UP, length, height, tex)


def open_box(width: float, depth: float, height: float, tex: TextureScale) -> Mesh:
    """A box on the floor (z from 0 to height, centred on the local origin), four sides and the top, no bottom."""
    sides = [
        wall(np.array([width / 2, 0.0]), np.array([1.0, 0.0]), depth, height, tex),
        wall(np.array([-width / 2, 0.0]), np.array([-1.0, 0.0]), depth, height, tex),
        wall(np.array([0.0, depth / 2]), np.array([0.0, 1.0]), width, height, tex),
        wall(np.array([0.0, -depth / 2]), np.array([0.0, -1.0]), width, height, tex),
    ]
    top = quad(
        np.array([-width / 2, -depth / 2, height]), np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), width, depth, tex
    )
    return Mesh.merge([*sides, top])


def cylinder(radius: float, height: float, tex: TextureScale, segments: int = 20, cap: bool = False) -> Mesh:
    """An upright cylinder on the floor (z from 0 to height) with smooth radial normals; `cap` adds the top disc."""
    theta = np.linspace(0.0, 2 * math.pi, segments + 1)  # the seam column is duplicated so its UVs can differ
    ring = np.stack([np.cos(theta), np.sin(theta), np.zeros_like(theta)], axis=1)
    vertices = np.concatenate([ring * radius, ring * radius + UP * height])
    normals = np.concatenate([ring, ring])
    arc = radius * theta
    uvs = np.concatenate([tex.uv(arc, np.zeros_like(arc)), tex.uv(arc, np.full_like(arc, height))])
    bottom = np.arange(segments)
    top = bottom + segments + 1
    indices = np.stack([bottom, bottom + 1, top + 1, bottom, top + 1, top], axis=1).ravel()
    side = Mesh(vertices, indices, uvs, normals)
    if not cap:
        return side
    rim = ring[:-1] * radius + UP * height
    cap_vertices = np.concatenate([[UP * height], rim])
    fan = np.arange(1, segments + 1)
    cap_indices = np.stack([np.zeros(segments, dtype=int), fan, np.roll(fan, -1)], axis=1).ravel()
    disc = Mesh(
        cap_vertices, cap_indices, tex.uv(cap_vertices[:, 0], cap_vertices[:, 1]), np.tile(UP, (segments + 1, 1))
    )
    return Mesh.merge([side, disc])


class MeshUploader:
    """Creates PyBullet mesh visual shapes in one client without leaking memory.

    p.createVisualShape keeps a reference to every sequence it is given (vertices, indices, uvs, normals and their
    rows: sys.getrefcount grows by 2 per call), so fresh lists each episode were never freed (about 36 KB per
    cylinder). PyBullet copies the data during the call, so one set of lists per mesh size is enough: it is refilled
    in place for every shape, and the leaked references then point at the same few objects.
    """

    def __init__(self, client: int, obj_dir: Path | None = None) -> None:
        self._client = client
        self._buffers: dict[tuple[int, int], tuple[list, list, list, list]] = {}
        self._obj_dir = obj_dir  # set for the EGL renderer, whose plugin crashes on meshes given as arrays
        self._objs = 0

    def create(self, mesh: Mesh) -> int:
        """Register `mesh` as a visual shape and return its id."""
        if self._obj_dir is not None:
            self._objs += 1
            path = self._obj_dir / f"mesh{self._objs}.obj"
            write_obj(path, mesh)
            return p.createVisualShape(p.GEOM_MESH, fileName=str(path), physicsClientId=self._client)
        vertices, indices, uvs, normals = self._buffers_for(len(mesh.vertices), len(mesh.indices))
        for rows, values in ((vertices, mesh.vertices), (uvs, mesh.uvs), (normals, mesh.normals)):
            for row, value in zip(rows, values.tolist(), strict=True):
                row[:] = value  # slice assignment keeps the row object PyBullet already references
        indices[:] = mesh.indices.astype(int).tolist()
        return p.createVisualShape(
            p.GEOM_MESH, vertices=vertices, indices=indices, uvs=uvs, normals=normals, physicsClientId=self._client
        )

    def _buffers_for(self, n_vertices: int, n_indices: int) -> tuple[list, list, list, list]:
        key = (n_vertices, n_indices)
        if key not in self._buffers:
            self._buffers[key] = (
                [[0.0, 0.0, 0.0] for _ in range(n_vertices)],
                [0] * n_indices,
                [[0.0, 0.0] for _ in range(n_vertices)],
                [[0.0, 0.0, 1.0] for _ in range(n_vertices)],
            )
        return self._buffers[key]


def write_obj(path: Path, mesh: Mesh) -> None:
    """`mesh` as a Wavefront OBJ file (positions, UVs, normals; 1-based faces), for renderers that need files."""
    rows = [f"v {x!r} {y!r} {z!r}" for x, y, z in mesh.vertices.tolist()]
    rows += [f"vt {u!r} {v!r}" for u, v in mesh.uvs.tolist()]
    rows += [f"vn {x!r} {y!r} {z!r}" for x, y, z in mesh.normals.tolist()]
    rows += ["f " + " ".join(f"{i}/{i}/{i}" for i in face) for face in (mesh.indices.reshape(-1, 3) + 1).tolist()]
    path.write_text("\n".join(rows) + "\n")
