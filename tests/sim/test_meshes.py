"""Meshes: front faces wind toward their normals, and every surface carries the same texels per metre."""

from __future__ import annotations

import sys

import numpy as np
import pybullet as p
import pytest

from drone_ssl_sim.meshes import Mesh, MeshUploader, TextureScale, cylinder, open_box, quad, wall

PX_PER_M, SIZE_PX = 96.0, 512
SCALE = TextureScale.of(PX_PER_M, SIZE_PX, offset=(0.25, 0.6))


def _meshes() -> dict[str, Mesh]:
    return {
        "quad": quad(np.array([1.0, 2.0, 0.0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0]), 5.0, 3.0, SCALE),
        "wall": wall(np.array([2.5, 0.0]), np.array([-1.0, 0.0]), 5.0, 3.0, SCALE),
        "box": open_box(0.7, 0.4, 1.3, SCALE),
        "pole": cylinder(0.2, 3.0, SCALE, cap=True),
    }


def _triangles(mesh: Mesh) -> np.ndarray:
    return mesh.indices.reshape(-1, 3)


@pytest.mark.parametrize("name", ["quad", "wall", "box", "pole"])
def test_triangles_face_their_normals(name):
    mesh = _meshes()[name]
    for tri in _triangles(mesh):
        a, b, c = mesh.vertices[tri]
        face = np.cross(b - a, c - a)
        assert np.dot(face, mesh.normals[tri].mean(axis=0)) > 0


@pytest.mark.parametrize("name", ["quad", "wall", "box", "pole"])
def test_texture_density_is_the_same_on_every_surface(name):
    mesh = _meshes()[name]
    for tri in _triangles(mesh):
        xyz, uv = mesh.vertices[tri], mesh.uvs[tri]
        on_round_side = abs(mesh.normals[tri][0, 2]) < 0.5 and name == "pole"
        for i, j in ((0, 1), (1, 2), (0, 2)):
            if on_round_side and not np.allclose(xyz[i][:2], xyz[j][:2]):
                continue  # round-side UVs follow the arc, which is longer than a chord: checked below
            metres = np.linalg.norm(xyz[j] - xyz[i])
            texels = np.linalg.norm(uv[j] - uv[i]) * SIZE_PX
            assert texels == pytest.approx(metres * PX_PER_M, rel=1e-9, abs=1e-9)


def test_round_side_texture_wraps_at_the_circumference():
    pole = _meshes()["pole"]
    side = np.abs(pole.normals[:, 2]) < 0.5
    span = pole.uvs[side, 0].max() - pole.uvs[side, 0].min()
    assert span * SIZE_PX == pytest.approx(2 * np.pi * 0.2 * PX_PER_M)


def test_wall_faces_the_room_and_reads_left_to_right():
    mesh = _meshes()["wall"]
    assert np.allclose(mesh.normals, [-1.0, 0.0, 0.0])
    assert np.allclose(mesh.vertices[:, 0], 2.5)
    # seen from inside (looking +x) the image's right is -y: u must grow toward -y so text is not mirrored
    right = mesh.vertices[np.argmax(mesh.uvs[:, 0])]
    assert right[1] == pytest.approx(-2.5)


def test_shapes_have_the_asked_size_and_few_triangles():
    meshes = _meshes()
    box, pole = meshes["box"], meshes["pole"]
    assert np.allclose(box.vertices.min(axis=0), [-0.35, -0.2, 0.0])
    assert np.allclose(box.vertices.max(axis=0), [0.35, 0.2, 1.3])
    assert box.triangles == 10
    radial = np.hypot(pole.vertices[:, 0], pole.vertices[:, 1])
    assert np.allclose(radial[radial > 0.01], 0.2)
    assert pole.vertices[:, 2].max() == pytest.approx(3.0)
    assert pole.triangles == 60


def test_uploader_reuses_its_lists_so_pybullet_cannot_leak_them():
    client = p.connect(p.DIRECT)
    try:
        uploader = MeshUploader(client)
        first = uploader.create(_meshes()["box"])
        (vertices, *_rest) = uploader._buffers[(20, 30)]
        before = sys.getrefcount(vertices)
        second = uploader.create(open_box(0.5, 0.5, 2.0, SCALE))
        assert first >= 0 and second > first
        assert len(uploader._buffers) == 1  # same mesh size, same lists
        assert sys.getrefcount(vertices) >= before  # PyBullet holds on to them; nothing new was allocated
    finally:
        p.disconnect(client)
