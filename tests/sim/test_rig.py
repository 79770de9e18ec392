"""The stereo rig renders exactly its calibration: metric depth, disparity f*B/Z, principal point ((w-1)/2, (h-1)/2)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pybullet as p
import pytest
from scene_config import make_config

from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl_sim.errors import SimError
from drone_ssl_sim.rig import StereoRig
from drone_ssl_sim.world import World

HALF = 2.5  # default room: the wall in front is at x = +2.5
OFFSET = 0.1  # default camera.forward_offset_m


@pytest.fixture(scope="module")
def room():
    """An empty default room (rich textures) in its own client, shared by the tests of this file."""
    client = p.connect(p.DIRECT)
    config = make_config("sim.obstacles.count=0", "sim.lighting.randomise=false")
    world = World(config, client)
    world.build(np.random.default_rng(11), (0.0, 0.0))
    yield world, client
    p.disconnect(client)


def _rig(room, *overrides: str) -> StereoRig:
    _, client = room
    return StereoRig(make_config(*overrides).camera, client, "tiny")


def _rotation(yaw: float = 0.0, pitch_down: float = 0.0) -> np.ndarray:
    """Body-to-world rotation: yaw about z (left positive), then nose down by pitch_down."""
    cy, sy = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch_down), math.sin(pitch_down)
    yaw_m = np.array([[cy, -sy, 0.0], [sy, cy, 0.0], [0.0, 0.0, 1.0]])
    pitch_m = np.array([[cp, 0.0, sp], [0.0, 1.0, 0.0], [-sp, 0.0, cp]])
    return yaw_m @ pitch_m


def _facing_wall(z_m: float) -> np.ndarray:
    """Body centre that puts both cameras z_m in front of the wall at x = +HALF."""
    return np.array([HALF - z_m - OFFSET, 0.0, 1.5])


def _shift(left: np.ndarray, right: np.ndarray, lo: float, hi: float) -> float:
    """The horizontal shift d (left x = right x + d) that best aligns the central halves, to 0.02 px."""
    h, w = left.shape
    rows, cols = slice(h // 4, 3 * h // 4), slice(w // 4, 3 * w // 4)
    target = left.astype(np.float32)[rows, cols]
    best, best_cost = lo, math.inf
    for d in np.arange(lo, hi, 0.02):
        moved = cv2.warpAffine(
            right.astype(np.float32), np.float32([[1, 0, d], [0, 1, 0]]), (w, h), flags=cv2.INTER_CUBIC
        )
        cost = float(np.mean((moved[rows, cols] - target) ** 2))
        if cost < best_cost:
            best, best_cost = d, cost
    return best


@pytest.mark.parametrize("z_m", [0.5, 1.0, 2.0])
def test_wall_depth_and_disparity_match_the_calibration(room, z_m):
    world, _ = room
    rig = _rig(room)
    left, right, depth = rig.render(_facing_wall(z_m), np.eye(3), world.lighting, depth=True)
    assert left.shape == right.shape == depth.shape == (96, 128)
    assert left.dtype == right.dtype == np.uint8 and depth.dtype == np.float32
    assert np.allclose(depth[44:52, 60:68], z_m, rtol=0.01)
    expected = rig.calibration.focal_px * rig.calibration.baseline_m / z_m
    found = _shift(left, right, expected - 2.0, expected + 2.0)
    assert found == pytest.approx(expected, abs=0.5)


def test_principal_point_is_the_centre_of_the_pixel_grid(room):
    world, _ = room
    rig = _rig(room)
    f = rig.calibration.focal_px
    cx, cy = rig.calibration.K1[0, 2], rig.calibration.K1[1, 2]
    assert (cx, cy) == (63.5, 47.5)
    position = _facing_wall(1.5)
    # Turned (then tilted) toward a flat wall, 1/z-depth is linear in the pixel coordinate, and it equals the
    # optical axis' value exactly at the principal point.
    for rotation, axis in ((_rotation(yaw=0.35), 1), (_rotation(pitch_down=0.3), 0)):
        _, _, depth = rig.render(position, rotation, world.lighting, depth=True)
        eye = position + rotation @ np.array([OFFSET, 0.03, 0.0])
        on_axis = (HALF - eye[0]) / rotation[0, 0]  # z-depth of the wall along the optical axis
        line = depth[int(cy)] if axis == 1 else depth[:, int(cx)]
        slope, intercept = np.polyfit(np.arange(line.size), 1.0 / line, 1)
        centre = (1.0 / on_axis - intercept) / slope
        assert centre == pytest.approx(cx if axis == 1 else cy, abs=0.05)
        assert abs(slope) == pytest.approx(abs(math.sin(0.35 if axis == 1 else 0.3)) / (f * (HALF - eye[0])), rel=0.01)


def test_left_camera_is_on_the_left(room):
    world, _ = room
    rig = _rig(room)
    # the left camera sits at +y: facing the wall sideways, the left image shows the wall's +y part, i.e. the same
    # content appears further right in the left image than in the right one (positive disparity)
    left, right, _ = rig.render(_facing_wall(0.8), np.eye(3), world.lighting)
    assert _shift(left, right, 0.0, 15.0) > 5.0


@pytest.mark.parametrize("size", [(320, 240), (640, 480)])
def test_larger_images_render(room, size):
    world, _ = room
    w, h = size
    rig = _rig(room, f"camera.width={w}", f"camera.height={h}")
    left, right, depth = rig.render(_facing_wall(1.0), np.eye(3), world.lighting, depth=True)
    assert left.shape == right.shape == depth.shape == (h, w)
    assert depth[h // 2, w // 2] == pytest.approx(1.0, rel=0.01)
    assert left.std() > 5.0 and not np.array_equal(left, right)
    assert rig.calibration.image_size == (w, h)


def test_depth_is_optional(room):
    world, _ = room
    assert _rig(room).render(_facing_wall(1.0), np.eye(3), world.lighting)[2] is None


def test_brighter_light_brighter_images(room):
    world, _ = room
    rig = _rig(room)
    dim = rig.render(_facing_wall(1.0), np.eye(3), world.lighting)[0]
    lit = world.lighting.__class__(world.lighting.direction, 0.9, 0.1, 0.0, (1.0, 1.0, 1.0))
    bright = rig.render(_facing_wall(1.0), np.eye(3), lit)[0]
    assert bright.mean() > dim.mean() + 10


def test_obstacle_mask_keeps_walls_and_drops_floor(room):
    world, _ = room
    rig = _rig(room)
    position, rotation = _facing_wall(1.0), _rotation(pitch_down=0.8)
    _, _, depth = rig.render(position, rotation, world.lighting, depth=True)
    mask = rig.obstacle_mask(depth, position, rotation, room_height=3.0)
    assert mask[:10].all()  # top rows: the wall
    assert not mask[-10:].any()  # bottom rows: the floor
    nearest = rig.nearest_in_view(depth, mask, (0.0, 1.0, 0.0, 1.0))
    assert float(depth[mask].min()) <= nearest <= float(np.percentile(depth[mask], 10))
    assert rig.nearest_in_view(depth, mask, (0.0, 1.0, 0.9, 1.0)) == math.inf  # only floor down there


def test_ceiling_is_not_an_obstacle(room):
    world, _ = room
    rig = _rig(room)
    position, rotation = np.array([0.0, 0.0, 1.5]), _rotation(pitch_down=-1.4)  # looking almost straight up
    _, _, depth = rig.render(position, rotation, world.lighting, depth=True)
    assert not rig.obstacle_mask(depth, position, rotation, room_height=3.0)[30:66, 40:88].any()


def test_bad_region_is_a_sim_error(room):
    rig = _rig(room)
    depth = np.ones((96, 128), dtype=np.float32)
    with pytest.raises(SimError, match="region"):
        rig.nearest_in_view(depth, depth > 0, (0.5, 0.2, 0.0, 1.0))


def test_calibration_export_round_trip(room, tmp_path):
    rig = _rig(room)
    path = tmp_path / "sim_rig.yaml"
    rig.export_calibration(path)
    loaded = StereoCalibration.load(path)
    assert loaded.image_size == (128, 96)
    assert np.allclose(loaded.K1, rig.calibration.K1) and np.allclose(loaded.K2, rig.calibration.K2)
    assert np.allclose(loaded.T, [[-0.06], [0.0], [0.0]])
    assert loaded.focal_px == pytest.approx(64 / math.tan(math.radians(30)))


def test_unknown_or_unavailable_renderer_is_a_sim_error(room):
    _, client = room
    camera = make_config().camera
    with pytest.raises(SimError, match="sim.renderer=gui"):
        StereoRig(camera, client, "gui")
    with pytest.raises(SimError, match="unknown renderer"):
        StereoRig(camera, client, "raytracer")
