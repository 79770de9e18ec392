"""The `--view` picture: one fixed depth scale (near = warm) for stereo and mono, invalid shown as invalid."""

from __future__ import annotations

import numpy as np
import pytest

from drone_ssl.arbiter.decision import Decision
from drone_ssl.arbiter.phases import Phase
from drone_ssl.behaviour.action import Action
from drone_ssl.mono.reading import MonoReading
from drone_ssl.pilot import FrameResult
from drone_ssl.stereo.reading import StereoReading
from drone_ssl.types import Command, DroneState, Observation
from drone_ssl_app.view_frame import HEADER_PX, LABEL_PX, SCALE, colour_of, compose, depth_colours

H, W = 96, 128


def _depth(near: float, far: float) -> np.ndarray:
    """Left third `near`, middle third unknown (NaN), right third `far`."""
    depth = np.full((H, W), far, np.float32)
    depth[:, : W // 3] = near
    depth[:, W // 3 : 2 * W // 3] = np.nan
    return depth


def _result(stereo_depth: np.ndarray, mono_depth: np.ndarray | None, phase: Phase = Phase.STEREO) -> FrameResult:
    state = DroneState((0.0, 0.0, 1.0), (0.3, 0.0, 0.0), (0.0, 0.0, 0.0), 1.0, 90.0, True)
    image = np.tile(np.arange(W, dtype=np.uint8), (H, 1))
    stereo = StereoReading(
        disparity=np.where(np.isfinite(stereo_depth), 3.6 / stereo_depth, np.nan),
        depth_m=stereo_depth, distance_m=0.5, valid_fraction=0.6, profile_m=np.ones(8, np.float32), available=True,
    )  # fmt: skip
    decision = Decision(2.0, phase, "stereo", True, 0.5, None, threshold_m=1.2, override=False)
    return FrameResult(
        Observation(2.0, image, image, state), stereo, MonoReading(0.6, 0.8, mono_depth), decision,
        Action(Command(), False, "turn"), None,
    )  # fmt: skip


def _panel_pixel(frame: np.ndarray, panel: int, row: int, col: int) -> np.ndarray:
    """A source pixel of panel 0 (left), 1 (right), 2 (stereo depth) or 3 (mono depth) in the composed frame."""
    y = HEADER_PX + (panel // 2) * (LABEL_PX + H * SCALE) + LABEL_PX + row * SCALE + 1
    x = (panel % 2) * W * SCALE + col * SCALE + 1
    return frame[y, x]


def test_near_is_warm_far_is_cool_and_unknown_is_grey() -> None:
    near, far = colour_of(0.5), colour_of(3.0)
    assert near[2] > near[0] + 100 and far[0] > far[2] + 100  # BGR: near red, far blue
    hatch = depth_colours(np.full((6, 6), np.nan, np.float32))
    assert (hatch.max(axis=2) - hatch.min(axis=2) == 0).all()  # grey: no colour of the scale
    assert len({tuple(p) for p in hatch.reshape(-1, 3)}) == 2  # a hatch, not a flat colour a depth could have
    assert colour_of(np.inf) == colour_of(50.0) == colour_of(5.0)  # zero disparity: far, not unknown


def test_stereo_and_mono_use_one_fixed_scale() -> None:
    mono = np.nan_to_num(_depth(0.5, 3.0), nan=1.5)  # a mono map is finite everywhere (non-finite ones are dropped)
    frame = compose(_result(_depth(0.5, 3.0), mono))
    again = compose(_result(_depth(0.5, 8.0), mono[::4, ::4]))  # a farther max, a coarse mono map
    for f in (frame, again):
        assert tuple(_panel_pixel(f, 2, 50, 10)) == tuple(_panel_pixel(f, 3, 50, 10)) == colour_of(0.5)
    assert tuple(_panel_pixel(frame, 3, 50, 120)) == colour_of(3.0)  # not rescaled to this frame's range
    unknown = _panel_pixel(frame, 2, 50, 64)
    assert unknown[0] == unknown[1] == unknown[2]


def test_panels_header_and_legend_are_laid_out() -> None:
    frame = compose(_result(_depth(0.5, 3.0), None, Phase.MONO))
    assert frame.shape == (HEADER_PX + 2 * (LABEL_PX + H * SCALE) + 58, 2 * W * SCALE, 3)
    np.testing.assert_array_equal(_panel_pixel(frame, 0, 10, 100), [100, 100, 100])  # the camera, as it is
    mono = _panel_pixel(frame, 3, 50, 10)
    assert mono[0] == mono[1] == mono[2]  # no mono map: all unknown
    labels = frame[HEADER_PX : HEADER_PX + LABEL_PX]
    assert (labels > 200).any()  # panel labels are written
    stereo_header = compose(_result(_depth(0.5, 3.0), None, Phase.STEREO))[5, 5]
    assert tuple(frame[5, 5]) != tuple(stereo_header)  # the phase is colour-coded


@pytest.mark.parametrize("value", [np.nan, -1.0, 0.0])
def test_a_depth_that_is_no_distance_is_invalid_never_near(value: float) -> None:
    assert colour_of(value) in {tuple(c) for c in depth_colours(np.full((6, 6), np.nan, np.float32)).reshape(-1, 3)}
