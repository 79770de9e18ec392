"""Real stereo pairs with exact ground truth: a Middlebury scene, and real photographs warped by planar layers."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from drone_ssl.errors import DroneSSLError


class StereoDataError(DroneSSLError):
    """A stereo data set is not installed or cannot be read."""


@dataclass(frozen=True)
class TruthPair:
    """A rectified grayscale pair with the true left disparity (NaN unknown) and the rig that took it.

    Depth is f·B / (d + doffs): `doffs_px` is the difference of the two principal points' x (Middlebury's
    convention); a pair with doffs 0 is rectified the way `cv2.stereoRectify` leaves it.
    """

    name: str
    left: np.ndarray  # HxW uint8
    right: np.ndarray  # HxW uint8
    disparity: np.ndarray  # HxW float32, pixels, NaN where unknown
    focal_px: float
    baseline_m: float
    doffs_px: float = 0.0

    @property
    def max_disparity(self) -> float:
        return float(np.nanmax(self.disparity))

    def depth_m(self) -> np.ndarray:
        """True metric depth of every left pixel, NaN where unknown."""
        return (self.focal_px * self.baseline_m / (self.disparity + self.doffs_px)).astype(np.float32)


def middlebury_motorcycle() -> TruthPair:
    """Middlebury 2014 'Motorcycle' at a quarter of its size (741x500), as scikit-image ships it in its wheel."""
    try:
        from skimage import data
    except ImportError as exc:
        raise StereoDataError("scikit-image is missing: pip install -e '.[bench]' for the Middlebury pair") from exc
    try:
        left, right, disparity = data.stereo_motorcycle()
    except Exception as exc:  # noqa: BLE001 - a missing or broken file shows up as any of several errors
        raise StereoDataError(f"scikit-image's stereo_motorcycle pair cannot be read: {exc}") from exc
    gray = [cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY) for img in (left, right)]
    truth = np.where(np.isfinite(disparity), disparity, np.nan).astype(np.float32)
    # The calibration of the down-sampled images, as scikit-image documents it.
    return TruthPair("middlebury_motorcycle", gray[0], gray[1], truth, 994.978, 0.193001, 31.086)


def photographs() -> list[tuple[str, np.ndarray]]:
    """Real photographs shipped inside installed packages (grayscale uint8), largest first; may be empty."""
    found: list[tuple[str, np.ndarray]] = []
    try:
        import matplotlib.cbook

        with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
            image = cv2.imdecode(np.frombuffer(f.read(), np.uint8), cv2.IMREAD_GRAYSCALE)
        found.append(("grace_hopper", image))
    except (ImportError, OSError, ValueError):
        pass
    try:
        import skimage.data

        folder = Path(skimage.data.__file__).parent
        for name in ("astronaut", "coffee", "chelsea", "rocket", "brick", "gravel"):
            for path in sorted(folder.glob(f"{name}.*")):
                image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
                if image is not None:
                    found.append((name, image))
    except ImportError:
        pass
    return sorted(found, key=lambda item: -item[1].size)


def warped_pair(
    name: str,
    photo: np.ndarray,
    rng: np.random.Generator,
    size: tuple[int, int] = (640, 480),
    max_disparity: float = 64.0,
    noise: float = 1.0,
) -> TruthPair:
    """A scene of planar cut-outs textured by a real photograph, both views rendered exactly from a
    piecewise-planar disparity field (a slanted background showing the photograph, and 3 to 6 nearer slanted
    quadrilaterals showing other parts of it), so the truth is exact and the image statistics are real;
    each view gets its own sensor noise of `noise` grey levels.
    """
    width, height = size
    photo = _fit(photo, width + int(np.ceil(max_disparity)) + 2, height)
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    layers = [(_plane(rng, width, height, 0.08, 0.3, max_disparity), np.ones((height, width), bool))]
    for _ in range(int(rng.integers(3, 7))):
        layers.append((_plane(rng, width, height, 0.3, 1.0, max_disparity), _quad(rng, width, height)))
    # Each layer is a plane d = a + b·x + c·y in left coordinates; a right pixel (xr, y) sees the left point
    # xl = (xr + a + c·y) / (1 - b). The nearest (largest d) layer covering a pixel wins in both views.
    left_d = np.full((height, width), -np.inf, np.float32)
    right_d = np.full((height, width), -np.inf, np.float32)
    left = np.zeros((height, width), np.float32)
    right = np.zeros((height, width), np.float32)
    source = photo.astype(np.float32)
    for i, ((a, b, c), mask) in enumerate(layers):
        # each cut-out shows another part of the photograph, so its outline is seen in both views
        ox, oy = (0.0, 0.0) if i == 0 else (rng.uniform(-0.5, 0.5) * width, rng.uniform(-0.5, 0.5) * height)
        d_left = a + b * xs + c * ys
        front = mask & (d_left > left_d)
        left_d[front] = d_left[front]
        left[front] = cv2.remap(source, xs + ox, ys + oy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)[front]
        xl = (xs + a + c * ys) / (1.0 - b)
        # The background extends past the frame; the cut-outs end where their masks do.
        seen = mask if i == 0 else cv2.remap(mask.astype(np.uint8), xl, ys, cv2.INTER_NEAREST, borderValue=0) > 0
        d_right = a + b * xl + c * ys
        front = seen & (d_right > right_d)
        right_d[front] = d_right[front]
        right[front] = cv2.remap(source, xl + ox, ys + oy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)[front]
    # Two sensors: independent noise, so that the photograph's own grain is not a texture both views share.
    views = [left + rng.normal(0, noise, (height, width)), right + rng.normal(0, noise, (height, width))]
    left, right = (np.clip(v.round(), 0, 255).astype(np.uint8) for v in views)
    return TruthPair(name, left, right, left_d, 500.0, 0.1)


def downscaled(pair: TruthPair, width: int, height: int) -> TruthPair:
    """The pair as a camera of `width`x`height` would see it: cropped to that aspect ratio, area-averaged; the
    truth is averaged over the same pixels (unknown where any of them is) and scaled with the width."""
    h, w = pair.left.shape
    crop_w = min(w, round(h * width / height))
    crop_h = min(h, round(crop_w * height / width))
    x0, y0 = (w - crop_w) // 2, (h - crop_h) // 2
    cols, rows = slice(x0, x0 + crop_w), slice(y0, y0 + crop_h)
    scale = width / crop_w
    left, right = (
        cv2.resize(img[rows, cols], (width, height), interpolation=cv2.INTER_AREA) for img in (pair.left, pair.right)
    )
    truth = pair.disparity[rows, cols]
    known = np.isfinite(truth)
    area = (width, height)
    known_share = cv2.resize(known.astype(np.float32), area, interpolation=cv2.INTER_AREA)
    total = cv2.resize(np.where(known, truth, 0.0).astype(np.float32), area, interpolation=cv2.INTER_AREA)
    disparity = np.where(known_share > 0.999, total / np.maximum(known_share, 1e-6) * scale, np.nan).astype(np.float32)
    return dataclasses.replace(
        pair,
        name=f"{pair.name}@{width}x{height}",
        left=left,
        right=right,
        disparity=disparity,
        focal_px=pair.focal_px * scale,
        doffs_px=pair.doffs_px * scale,
    )


def _fit(photo: np.ndarray, width: int, height: int) -> np.ndarray:
    """The photograph scaled (never stretched) to cover width x height, centre-cropped."""
    h, w = photo.shape[:2]
    s = max(width / w, height / h)
    scaled = cv2.resize(photo, (max(width, round(w * s)), max(height, round(h * s))), interpolation=cv2.INTER_AREA)
    y0, x0 = (scaled.shape[0] - height) // 2, (scaled.shape[1] - width) // 2
    return np.ascontiguousarray(scaled[y0 : y0 + height, x0 : x0 + width])


def _plane(rng: np.random.Generator, width: int, height: int, lo: float, hi: float, top: float) -> tuple:
    """(a, b, c) of a slanted plane whose disparity stays within [lo, hi]·top over the image."""
    centre = rng.uniform(lo, hi) * top
    slope = 0.15 * centre
    b, c = rng.uniform(-1, 1, 2) * slope / np.array([width, height])
    a = centre - b * width / 2 - c * height / 2
    return float(a), float(b), float(c)


def _quad(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Mask of a random convex-ish quadrilateral covering roughly 2-15 % of the image."""
    cx, cy = rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.85) * height
    radius = rng.uniform(0.08, 0.22) * min(width, height) * 1.4
    angles = np.sort(rng.uniform(0, 2 * np.pi, 4))
    points = np.stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)], axis=1)
    mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(mask, [points.round().astype(np.int32)], 1)
    return mask.astype(bool)
