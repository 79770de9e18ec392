"""The `--view` window's picture: labelled camera and depth panels on one fixed colour scale, with a legend."""

from __future__ import annotations

import math

import cv2
import numpy as np

from drone_ssl.arbiter.phases import Phase
from drone_ssl.pilot import FrameResult

SCALE = 3  # 128x96 frames are small on a screen
NEAR_M, FAR_M = 0.2, 5.0  # fixed depth range (the room is 5 m across): a colour means the same metres every frame
HEADER_PX, LABEL_PX, LEGEND_PX = 56, 22, 58
FONT = cv2.FONT_HERSHEY_SIMPLEX
WHITE, GREY, BLACK = (255, 255, 255), (150, 150, 150), (0, 0, 0)
INVALID_DARK, INVALID_LIGHT = (60, 60, 60), (110, 110, 110)  # a grey hatch: no colour of the scale is grey
PHASE_COLOURS = {  # BGR
    Phase.STEREO: (200, 140, 0),
    Phase.MONO: (60, 170, 60),
    Phase.MONO_ONLY: (0, 160, 230),
    Phase.SAFE: (40, 40, 220),
}
_TURBO = cv2.applyColorMap(np.arange(256, dtype=np.uint8)[:, None], cv2.COLORMAP_TURBO)[:, 0]  # 0 blue .. 255 red


def depth_colours(depth_m: np.ndarray) -> np.ndarray:
    """BGR colours of a depth map on the fixed scale: near = warm (red), far = cool (blue), beyond the range
    clipped (inf, a zero disparity, is far), unknown (NaN, or not a positive distance) as a grey hatch that is
    on no colour scale."""
    depth = np.asarray(depth_m, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        unknown = ~(depth > 0)
        closeness = _closeness(np.where(unknown, FAR_M, depth))
    out = _TURBO[np.rint(closeness * 255).astype(np.uint8)]
    if unknown.any():
        rows, cols = np.indices(depth.shape)
        hatch = ((rows + cols) // 3) % 2 == 0
        out[unknown & hatch] = INVALID_LIGHT
        out[unknown & ~hatch] = INVALID_DARK
    return out


def _closeness(depth_m: np.ndarray | float) -> np.ndarray:
    """0 at FAR_M .. 1 at NEAR_M on a log scale: each doubling of distance gets the same share of colours."""
    clipped = np.clip(depth_m, NEAR_M, FAR_M)
    return np.log(FAR_M / clipped) / math.log(FAR_M / NEAR_M)


def colour_of(depth_m: float) -> tuple[int, int, int]:
    """The BGR colour of one distance on the scale (the legend and the tests use it)."""
    return tuple(int(v) for v in depth_colours(np.array([[depth_m]], np.float32))[0, 0])  # type: ignore[return-value]


def compose(result: FrameResult) -> np.ndarray:
    """The whole window as a BGR image: header (time, phase, decision), left / right camera, stereo depth and
    mono depth on one scale, and the legend with the decision threshold."""
    obs = result.observation
    h, w = obs.left.shape
    size = (w, h)
    stereo_depth = None if result.stereo is None else result.stereo.depth_m
    mono_depth = result.mono.depth_m
    if mono_depth is not None and mono_depth.shape != (h, w):
        mono_depth = cv2.resize(mono_depth, size, interpolation=cv2.INTER_NEAREST)
    panels = [
        _panel(_grey(obs.left), "left camera"),
        _panel(_grey(obs.right) if obs.right is not None else _missing(size), "right camera" + _lost(obs.right)),
        _panel(_depth_or_missing(stereo_depth, size), f"stereo depth  {_m(_reading(result.stereo))}"),
        _panel(_depth_or_missing(mono_depth, size), f"mono depth  {_m(result.mono.distance_m)}"),
    ]
    grid = np.vstack([np.hstack(panels[:2]), np.hstack(panels[2:])])
    width = grid.shape[1]
    return np.vstack([_header(result, width), grid, _legend(result.decision.threshold_m, width)])


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)


def _missing(size: tuple[int, int]) -> np.ndarray:
    return depth_colours(np.full((size[1], size[0]), np.nan, np.float32))


def _depth_or_missing(depth: np.ndarray | None, size: tuple[int, int]) -> np.ndarray:
    return _missing(size) if depth is None else depth_colours(depth)


def _lost(right: np.ndarray | None) -> str:
    return "  (no image)" if right is None else ""


def _reading(stereo: object) -> float | None:
    return None if stereo is None else stereo.distance_m  # type: ignore[attr-defined]


def _panel(image: np.ndarray, label: str) -> np.ndarray:
    big = cv2.resize(image, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_NEAREST)
    bar = np.zeros((LABEL_PX, big.shape[1], 3), np.uint8)
    cv2.putText(bar, label, (6, LABEL_PX - 6), FONT, 0.5, WHITE, 1, cv2.LINE_AA)
    framed = np.vstack([bar, big])
    framed[:, -1] = GREY  # a thin line between panels
    framed[-1, :] = GREY
    return framed


def _header(result: FrameResult, width: int) -> np.ndarray:
    d = result.decision
    bar = np.zeros((HEADER_PX, width, 3), np.uint8)
    phase_w = 170
    bar[:, :phase_w] = PHASE_COLOURS.get(d.phase, GREY)
    cv2.putText(bar, d.phase.value.upper(), (10, 36), FONT, 0.9, WHITE, 2, cv2.LINE_AA)
    verdict = "BLIND" if d.blind else ("OBSTACLE" if d.obstacle else "clear")
    cue = d.cue or "none"
    line1 = f"t {result.observation.t:7.1f} s   flying on {cue}: {verdict}" + ("   OVERRIDE" if d.override else "")
    line2 = f"nearest {_m(d.distance_m)} (obstacle under {d.threshold_m:.2f} m)   action: {result.action.state}"
    colour = (80, 80, 255) if d.override or d.obstacle else WHITE
    cv2.putText(bar, line1, (phase_w + 12, 22), FONT, 0.55, colour, 1, cv2.LINE_AA)
    cv2.putText(bar, line2, (phase_w + 12, 46), FONT, 0.55, WHITE, 1, cv2.LINE_AA)
    return bar


def _legend(threshold_m: float, width: int) -> np.ndarray:
    """A colour bar in metres (log spacing, as the panels), the threshold marked, and the invalid hatch."""
    bar = np.zeros((LEGEND_PX, width, 3), np.uint8)
    x0, x1, y0, y1 = 60, width - 150, 8, 26
    # Left to right: near to far, each column the colour of its distance.
    columns = np.geomspace(NEAR_M, FAR_M, x1 - x0).astype(np.float32)
    bar[y0:y1, x0:x1] = depth_colours(columns[None, :])
    cv2.putText(bar, "near", (8, y1 - 4), FONT, 0.45, WHITE, 1, cv2.LINE_AA)

    def x_of(metres: float) -> int:
        return x0 + round((1.0 - float(_closeness(metres))) * (x1 - x0 - 1))

    for tick in (0.2, 0.5, 1.0, 2.0, 5.0):
        x = x_of(tick)
        cv2.line(bar, (x, y1), (x, y1 + 5), WHITE, 1)
        cv2.putText(bar, f"{tick:g} m", (x - 12, y1 + 20), FONT, 0.4, WHITE, 1, cv2.LINE_AA)
    if math.isfinite(threshold_m) and NEAR_M <= threshold_m <= FAR_M:
        x = x_of(threshold_m)
        cv2.line(bar, (x, y0 - 4), (x, y1 + 2), WHITE, 2)
    cv2.putText(bar, "far", (x1 + 6, y1 - 4), FONT, 0.45, WHITE, 1, cv2.LINE_AA)
    swatch = depth_colours(np.full((y1 - y0, 22), np.nan, np.float32))
    bar[y0:y1, width - 100 : width - 78] = swatch
    cv2.putText(bar, "invalid", (width - 72, y1 - 4), FONT, 0.45, WHITE, 1, cv2.LINE_AA)
    return bar


def _m(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.2f} m"
