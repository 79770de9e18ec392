"""Procedural, seeded, seamlessly tiling surface textures (numpy + cv2 only, no image files)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from drone_ssl_sim.errors import SimError

# Rich kinds carry contrast at every scale from one texel to a metre, so block matching works from 0.3 m to 5 m and
# the apparent texture scale tells the monocular estimator how far a surface is. Sizes below are in texels; at the
# default sim.textures.px_per_m of 96 one texel is about 1 cm.
TEXTURE_KINDS: tuple[str, ...] = ("noise", "brick", "poster", "wood", "tiles", "carpet")
PLAIN = "plain"  # flat colour with barely any shading: stereo fails on it on purpose (sim.textures.mode=plain)


def make_texture(kind: str, rng: np.random.Generator, size_px: int) -> np.ndarray:
    """A size_px x size_px x 3 uint8 RGB texture of `kind` that tiles seamlessly; same rng state, same image."""
    if kind == PLAIN:
        return _plain(rng, size_px)
    maker = _MAKERS.get(kind)
    if maker is None:
        raise SimError(f"unknown texture kind {kind!r}; use one of {', '.join((*TEXTURE_KINDS, PLAIN))}")
    return _colourise(maker(rng, size_px), rng)


@functools.lru_cache(maxsize=2)
def texture_pool(mode: str, size_px: int, count: int, seed: int) -> tuple[tuple[str, np.ndarray], ...]:
    """`count` (kind, image) textures made once per process from `seed`, kinds in turn (sim.textures.pool)."""
    rng = np.random.default_rng([seed, count, size_px])
    kinds = (PLAIN,) if mode == PLAIN else TEXTURE_KINDS
    pool = []
    for i in range(count):
        image = make_texture(kinds[i % len(kinds)], rng, size_px)
        image.flags.writeable = False  # shared by every episode
        pool.append((kinds[i % len(kinds)], image))
    return tuple(pool)


def save_texture(path: str | Path, image: np.ndarray) -> None:
    """Write an RGB texture as BMP, the format PyBullet's loadTexture reads fastest; SimError if it cannot."""
    if not cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise SimError(f"cannot write texture file {path}; check free space in the temporary directory")


def fractal_noise(rng: np.random.Generator, size_px: int, slope: float, stretch: float = 1.0) -> np.ndarray:
    """Zero-mean, unit-std noise with amplitude spectrum 1/f**slope, periodic because it is built in Fourier space.

    slope 1 gives equal contrast per octave (like natural images); `stretch` > 1 elongates features along x.
    """
    white = rng.standard_normal((size_px, size_px), dtype=np.float32)
    spectrum = cv2.dft(white, flags=cv2.DFT_COMPLEX_OUTPUT)
    spectrum *= np.exp(-slope * _log_frequency(size_px, stretch))[..., None]
    noise = cv2.idft(spectrum, flags=cv2.DFT_REAL_OUTPUT)
    return noise / max(float(noise.std()), 1e-12)


@functools.lru_cache(maxsize=8)
def _log_frequency(size_px: int, stretch: float) -> np.ndarray:
    """log of the radial frequency of each DFT bin (+inf at DC, so the mean drops out); read-only, cached."""
    fy = np.fft.fftfreq(size_px)[:, None]
    fx = np.fft.fftfreq(size_px)[None, :] * stretch
    with np.errstate(divide="ignore"):
        log_f = (0.5 * np.log(fx * fx + fy * fy)).astype(np.float32)
    log_f[0, 0] = np.inf
    log_f.flags.writeable = False
    return log_f


def _noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return 0.5 + 0.2 * fractal_noise(rng, n, rng.uniform(0.8, 1.05))


def _brick(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = 2 * max(1, round(n / (2 * rng.uniform(9, 14))))  # even, so the half-brick offset tiles vertically
    cols = max(1, round(n / rng.uniform(22, 36)))
    axis = np.arange(n, dtype=np.float32)
    row = (axis * rows / n).astype(np.int32)[:, None]
    col_f = np.stack([axis, (axis + n / (2 * cols)) % n]) * cols / n  # even rows, odd rows (shifted half a brick)
    col = col_f.astype(np.int32)[row[:, 0] % 2]
    shades = rng.uniform(0.3, 0.8, size=rows * cols).astype(np.float32)
    bed = ((axis * rows / n) % 1) * n / rows < rng.uniform(1.5, 2.5)
    head = ((col_f % 1) * n / cols < rng.uniform(1.5, 2.5))[row[:, 0] % 2]
    lum = np.where(bed[:, None] | head, np.float32(rng.uniform(0.75, 0.95)), shades[row * cols + col])
    return lum + 0.07 * fractal_noise(rng, n, 0.6) + 0.05 * fractal_noise(rng, n, 1.2)


def _tiles(rng: np.random.Generator, n: int) -> np.ndarray:
    count = max(1, round(n / rng.uniform(24, 64)))
    cell = n / count
    axis = np.arange(n, dtype=np.float32)
    index = (axis / cell).astype(np.int32)
    grout_y = (axis % cell) < rng.uniform(1.5, 3.0)
    grout_x = (axis % cell) < rng.uniform(1.5, 3.0)
    shades = rng.uniform(0.35, 0.75, size=(count, count)).astype(np.float32)
    shades += ((np.arange(count)[:, None] + np.arange(count)[None, :]) % 2) * np.float32(rng.uniform(-0.2, 0.2))
    lum = np.where(
        grout_y[:, None] | grout_x[None, :], np.float32(rng.uniform(0.1, 0.25)), shades[np.ix_(index, index)]
    )
    return lum + 0.08 * fractal_noise(rng, n, 0.4) + 0.06 * fractal_noise(rng, n, 1.2)


def _wood(rng: np.random.Generator, n: int) -> np.ndarray:
    planks = max(1, round(n / rng.uniform(14, 28)))
    width = n / planks
    axis = np.arange(n, dtype=np.float32)
    plank = (axis / width).astype(np.int32)
    rings = planks * int(rng.integers(3, 8))  # whole numbers of rings per period keep the texture seamless
    grain = np.sin(2 * np.pi * rings * axis[:, None] / n + 3.0 * fractal_noise(rng, n, 1.3, stretch=8.0))
    shades = rng.uniform(-0.15, 0.15, size=planks).astype(np.float32)
    joints = rng.uniform(0, n, size=planks).astype(np.float32)
    gap = ((axis % width) < 1.5)[:, None] | (np.abs(axis[None, :] - joints[plank][:, None]) < 1.0)
    lum = 0.5 + 0.17 * grain + shades[plank][:, None] + 0.08 * fractal_noise(rng, n, 0.7, stretch=4.0)
    return np.where(gap, np.float32(0.12), lum)


def _carpet(rng: np.random.Generator, n: int) -> np.ndarray:
    k = int(rng.integers(6, 20))
    angle = 2 * np.pi * k * np.arange(n, dtype=np.float32) / n
    # sin(a+b) sin(a-b) = sin^2 a - sin^2 b: a diamond lattice from two 1-D terms
    lattice = np.sign(np.sin(angle)[None, :] ** 2 - np.sin(angle)[:, None] ** 2)
    speckle = fractal_noise(rng, n, 0.3)
    blotches = fractal_noise(rng, n, 1.4)
    return 0.5 + 0.1 * lattice + 0.12 * speckle + 0.12 * blotches


def _poster(rng: np.random.Generator, n: int) -> np.ndarray:
    background = np.clip(0.5 + 0.15 * fractal_noise(rng, n, 1.0), 0.0, 1.0)
    canvas = (255 * background).astype(np.uint8)  # 8-bit because cv2.putText draws on nothing else
    for _ in range(int(rng.integers(40, 90))):
        _draw_shape(canvas, rng, n)
    return canvas.astype(np.float32) / 255 + 0.05 * fractal_noise(rng, n, 0.5)


def _draw_shape(canvas: np.ndarray, rng: np.random.Generator, n: int) -> None:
    """One random mark, drawn at the 9 periodic copies so the poster tiles without seams."""
    grey = int(rng.integers(5, 251))
    size = float(np.exp(rng.uniform(np.log(4), np.log(120))))  # log-uniform: as many small marks as large ones
    cx, cy = rng.uniform(0, n, size=2)
    shape = int(rng.integers(5))
    angle = rng.uniform(0, np.pi)
    aspect = rng.uniform(0.2, 1.0)
    letters = "".join(chr(int(c)) for c in rng.integers(65, 91, size=int(rng.integers(2, 8))))
    thickness = max(1, round(size / 12))
    for dy in (-n, 0, n):
        for dx in (-n, 0, n):
            x, y = cx + dx, cy + dy
            if shape == 0:
                cv2.circle(canvas, (round(x), round(y)), max(1, round(size / 2)), grey, -1, cv2.LINE_8)
            elif shape == 1:
                cv2.fillPoly(canvas, [_rectangle(x, y, size, size * aspect, angle)], grey, cv2.LINE_8)
            elif shape == 2:  # a band of parallel stripes
                for k in range(-3, 4):
                    ox, oy = -np.sin(angle) * k * size / 4, np.cos(angle) * k * size / 4
                    corners = _rectangle(x + ox, y + oy, size, size / 12 + 1, angle)
                    cv2.fillPoly(canvas, [corners], grey if k % 2 else 255 - grey, cv2.LINE_8)
            elif shape == 3:
                axes = (max(1, round(size / 2)), max(1, round(size * aspect / 2)))
                cv2.ellipse(canvas, (round(x), round(y)), axes, float(np.degrees(angle)), 0, 360, grey, -1)
            else:  # text-like marks
                cv2.putText(canvas, letters, (round(x), round(y)), cv2.FONT_HERSHEY_SIMPLEX, size / 40, grey, thickness)


def _rectangle(x: float, y: float, length: float, width: float, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    local = np.array([[-length, -width], [length, -width], [length, width], [-length, width]]) / 2
    return np.round(local @ np.array([[c, s], [-s, c]]) + (x, y)).astype(np.int32)


def _plain(rng: np.random.Generator, n: int) -> np.ndarray:
    colour = rng.uniform(0.3, 0.8) * rng.uniform(0.8, 1.0, size=3)
    shading = 1.0 + 0.008 * fractal_noise(rng, n, 3.0)  # about one grey level, spread over the whole texture
    return np.clip(255 * colour[None, None, :] * shading[..., None], 0, 255).astype(np.uint8)


def _colourise(lum: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Map luminance onto a dark-to-bright two-colour ramp: colour varies, grey-level contrast is kept."""
    dark = rng.uniform(0.04, 0.25) * rng.uniform(0.75, 1.0, size=3)
    bright = rng.uniform(0.8, 1.0) * rng.uniform(0.75, 1.0, size=3)
    ramp = np.linspace(0.0, 1.0, 256)[:, None]
    lut = (255 * (dark + ramp * (bright - dark)) + 0.5).astype(np.uint8).reshape(256, 1, 3)
    grey = (np.clip(lum, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    return cv2.LUT(cv2.merge([grey, grey, grey]), lut)


_MAKERS: dict[str, Callable[[np.random.Generator, int], np.ndarray]] = {
    "noise": _noise,
    "brick": _brick,
    "poster": _poster,
    "wood": _wood,
    "tiles": _tiles,
    "carpet": _carpet,
}
