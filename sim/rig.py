"""The simulated stereo camera: two rectified pinhole cameras on the drone's nose, rendered by PyBullet."""

from __future__ import annotations

import pkgutil
import time
from pathlib import Path

import cv2
import numpy as np
import pybullet as p

from drone_ssl.config import CameraConfig
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl_sim.errors import SimError
from drone_ssl_sim.lighting import Lighting
from drone_ssl_sim.render_peer import RenderPeer

SURFACE_TOLERANCE_M = 0.03  # a back-projected pixel this close to z=0 or the ceiling height is floor or ceiling
NEAREST_PERCENTILE = 5.0  # nearest_in_view: a low percentile ignores stray pixels at obstacle edges
NEAREST_MIN_FRACTION = 0.02  # nearest_in_view: fewer obstacle pixels than this share of the region count as none


class StereoRig:
    """Left and right cameras at (forward_offset, +/- baseline/2, 0) in the body frame (x forward, y left, z up).

    Both look along body x with image x to the right and image y down, square pixels, and share one ideal
    calibration (`calibration`), which is exactly what is rendered: a point at z-depth Z has disparity f * B / Z.
    """

    def __init__(self, camera: CameraConfig, client: int, renderer: str) -> None:
        self._camera = camera
        self._client = client
        w, h = camera.width, camera.height
        self.calibration = StereoCalibration.ideal(w, h, camera.hfov_deg, camera.baseline_m)
        self._renderer = _open_renderer(renderer, client)
        # TinyRenderer and OpenGL sample pixels half a pixel apart: the projection makes up for it, so the principal
        # point is ((w-1)/2, (h-1)/2) in pixel-index coordinates with either.
        self._projection = projection_matrix(
            self.calibration, camera.near_m, camera.far_m, pixel_centres=self._renderer != p.ER_TINY_RENDERER
        )
        half = camera.baseline_m / 2
        self._offsets = np.array([[camera.forward_offset_m, half, 0.0], [camera.forward_offset_m, -half, 0.0]])
        self._flags = p.ER_NO_SEGMENTATION_MASK
        # Body-frame direction to each pixel, scaled to unit forward component: point = camera + depth * ray.
        f = self.calibration.focal_px
        cx, cy = self.calibration.K1[0, 2], self.calibration.K1[1, 2]
        self._ray_left = (-(np.arange(w) - cx) / f).astype(np.float32)[None, :]  # body y per unit depth
        self._ray_up = (-(np.arange(h) - cy) / f).astype(np.float32)[:, None]  # body z per unit depth
        self.render_cpu_s = 0.0  # CPU time spent in getCameraImage so far: benchmarks compare a step with its renders
        self.peer: RenderPeer | None = None  # renders the right camera in another process, if set (SimDrone)

    def render(
        self, position: np.ndarray, rotation: np.ndarray, lighting: Lighting, depth: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(left, right, left depth or None): HxW uint8 grey images and HxW float32 linear z-depth in metres.

        `position` is the body centre (world, m), `rotation` the body-to-world 3x3 matrix.
        """
        rotation = np.asarray(rotation, dtype=float)
        eyes = np.asarray(position, dtype=float) + self._offsets @ rotation.T
        cpu = time.process_time()
        peer = self.peer if self.peer is not None and not self.peer.broken else None
        asked = peer is not None and peer.request(eyes[1], rotation, lighting)  # renders while we render the left
        left_rgba, left_z = self.shoot(eyes[0], rotation, lighting)
        right = peer.result() if asked else None
        if right is None:
            right = cv2.cvtColor(self.shoot(eyes[1], rotation, lighting)[0], cv2.COLOR_RGBA2GRAY)
        self.render_cpu_s += time.process_time() - cpu
        left = cv2.cvtColor(left_rgba, cv2.COLOR_RGBA2GRAY)
        return left, right, (self._linear_depth(left_z) if depth else None)

    def obstacle_mask(
        self, depth: np.ndarray, position: np.ndarray, rotation: np.ndarray, room_height: float
    ) -> np.ndarray:
        """HxW bool: pixels on a wall or an obstacle, from the left camera's depth at this pose.

        A pixel is kept when its back-projected point is neither on the floor (z near 0), nor on the ceiling
        (z near room_height), nor beyond the far plane.
        """
        rotation = np.asarray(rotation, dtype=float)
        eye = np.asarray(position, dtype=float) + rotation @ self._offsets[0]
        # world z of pixel = eye z + depth * (R[2] . (1, ray_left, ray_up))
        up = rotation[2, 0] + rotation[2, 1] * self._ray_left + rotation[2, 2] * self._ray_up
        z = eye[2] + depth * up
        tol = SURFACE_TOLERANCE_M
        return (z > tol) & (z < room_height - tol) & (depth < self._camera.far_m * 0.999)

    def nearest_in_view(self, depth: np.ndarray, mask: np.ndarray, region: tuple[float, float, float, float]) -> float:
        """Ground-truth distance (m) to the nearest obstacle in a region, comparable to a stereo "nearest" label.

        region is (x0, x1, y0, y1) as fractions of the image width and height. The value is the NEAREST_PERCENTILE
        (5th) percentile of the z-depth (along the optical axis, as f * B / disparity gives) of the obstacle pixels
        in the region; inf when they cover less than NEAREST_MIN_FRACTION (2 %) of it.
        """
        h, w = depth.shape
        x0, x1, y0, y1 = region
        if not (0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0):
            raise SimError(f"region {region} must be (x0, x1, y0, y1) fractions with 0 <= x0 < x1 <= 1, same for y")
        rows = slice(int(round(y0 * h)), max(int(round(y1 * h)), int(round(y0 * h)) + 1))
        cols = slice(int(round(x0 * w)), max(int(round(x1 * w)), int(round(x0 * w)) + 1))
        values = depth[rows, cols][mask[rows, cols]]
        area = (rows.stop - rows.start) * (cols.stop - cols.start)
        if values.size == 0 or values.size < NEAREST_MIN_FRACTION * area:
            return float("inf")
        return float(np.percentile(values, NEAREST_PERCENTILE))

    def export_calibration(self, path: str | Path) -> None:
        """Write the rig's calibration as OpenCV YAML (StereoCalibration.save), for tools made for the real rig."""
        self.calibration.save(path)

    def shoot(self, eye: np.ndarray, rotation: np.ndarray, lighting: Lighting) -> tuple[np.ndarray, np.ndarray]:
        """One camera at `eye`: RGBA uint8 image and the raw z-buffer."""
        cam = self._camera
        _, _, rgba, zbuffer, _ = p.getCameraImage(
            cam.width,
            cam.height,
            viewMatrix=view_matrix(eye, rotation),
            projectionMatrix=self._projection,
            lightDirection=lighting.direction,
            lightColor=lighting.colour,
            lightAmbientCoeff=lighting.ambient,
            lightDiffuseCoeff=lighting.diffuse,
            lightSpecularCoeff=lighting.specular,
            shadow=0,
            flags=self._flags,
            renderer=self._renderer,
            physicsClientId=self._client,
        )
        shape = (cam.height, cam.width)
        return np.reshape(rgba, (*shape, 4)).astype(np.uint8, copy=False), np.reshape(zbuffer, shape)

    def _linear_depth(self, zbuffer: np.ndarray) -> np.ndarray:
        near, far = self._camera.near_m, self._camera.far_m
        zbuffer = np.asarray(zbuffer, dtype=np.float32)
        return (far * near / (far - (far - near) * zbuffer)).astype(np.float32)


def view_matrix(eye: np.ndarray, rotation: np.ndarray) -> tuple[float, ...]:
    """OpenGL view matrix (column-major, 16 floats) of a camera at `eye` looking along body x, body z up."""
    (fx, lx, ux), (fy, ly, uy), (fz, lz, uz) = rotation.tolist()  # columns: forward, left, up
    ex, ey, ez = eye.tolist()
    # OpenGL eye axes: x right (= -left), y up, z backward (= -forward); plain floats are ~10x faster than numpy here
    return (
        -lx, ux, -fx, 0.0,
        -ly, uy, -fy, 0.0,
        -lz, uz, -fz, 0.0,
        lx * ex + ly * ey + lz * ez, -(ux * ex + uy * ey + uz * ez), fx * ex + fy * ey + fz * ez, 1.0,
    )  # fmt: skip


def projection_matrix(
    calibration: StereoCalibration, near: float, far: float, pixel_centres: bool
) -> tuple[float, ...]:
    """OpenGL projection (column-major) that puts the calibration's principal point (cx, cy) at pixel index (cx, cy).

    OpenGL samples pixel (i, j) at its centre and PyBullet flips its rows (row 0 at the top): `pixel_centres`.
    TinyRenderer samples pixel i at screen x = i and returns row j from screen y = h - 1 - j: not `pixel_centres`.
    """
    w, h = calibration.image_size
    f = calibration.focal_px
    cx, cy = calibration.K1[0, 2], calibration.K1[1, 2]
    # the principal point in screen coordinates (x right, y up, the image spans 0..w and 0..h)
    sx, sy = (cx + 0.5, h - cy - 0.5) if pixel_centres else (cx, h - 1 - cy)
    m = np.zeros((4, 4))
    m[0, 0] = 2 * f / w
    m[0, 2] = 1 - 2 * sx / w
    m[1, 1] = 2 * f / h
    m[1, 2] = 1 - 2 * sy / h
    m[2, 2] = -(far + near) / (far - near)
    m[2, 3] = -2 * far * near / (far - near)
    m[3, 2] = -1.0
    return tuple(m.T.ravel())


def _open_renderer(renderer: str, client: int) -> int:
    """The getCameraImage renderer flag for sim.renderer, loading the EGL plugin into the client when asked."""
    if renderer == "tiny":
        return p.ER_TINY_RENDERER
    if renderer == "gui":
        if p.getConnectionInfo(client).get("connectionMethod") != p.GUI:
            raise SimError("sim.renderer=gui needs a PyBullet client opened with p.GUI; use sim.renderer=tiny")
        return p.ER_BULLET_HARDWARE_OPENGL
    if renderer == "egl":
        egl = pkgutil.get_loader("eglRenderer")
        plugin = -1 if egl is None else p.loadPlugin(egl.get_filename(), "_eglRendererPlugin", physicsClientId=client)
        if plugin < 0:
            raise SimError("sim.renderer=egl: the EGL renderer plugin could not be loaded; use sim.renderer=tiny")
        return p.ER_BULLET_HARDWARE_OPENGL
    raise SimError(f"unknown renderer {renderer!r} (sim.renderer); use tiny, egl or gui")
