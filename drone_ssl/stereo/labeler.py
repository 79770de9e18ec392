"""`StereoLabeler`: (left, right, calibration) -> `StereoReading`, tracking how long stereo has been blind."""

from __future__ import annotations

from collections import deque

import numpy as np

from drone_ssl.config import CameraConfig
from drone_ssl.config.perception import PerceptionConfig, StereoConfig
from drone_ssl.stereo.agreement import vertical_offset
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.stereo.matcher import StereoMatcher
from drone_ssl.stereo.reading import StereoReading
from drone_ssl.stereo.rectifier import Rectifier
from drone_ssl.vision.distance_labels import (
    central_region,
    column_profile,
    depth_from_disparity,
    distance_of,
    distances_of,
    nearest_disparity,
    smoothed,
)
from drone_ssl.vision.image_input import ImageInputError, as_gray_u8

_VERTICAL_HISTORY = 5  # checks the vertical offset is the median of: one odd frame does not switch labels off


def matcher_from_config(config: StereoConfig, scale: float = 1.0) -> StereoMatcher:
    """The configured matcher; `scale` stretches the disparity range for images `scale` times the camera width."""
    return StereoMatcher(
        max_disparity=max(1, round(config.max_disparity * scale)),
        method=config.method,
        block_size=config.block_size if config.method == "sgbm" else max(5, config.block_size),
        uniqueness_ratio=config.uniqueness_ratio,
        lr_max_diff=config.lr_max_diff,
        texture_threshold=config.texture_threshold,
        min_correlation=config.min_correlation,
        speckle_window=round(config.speckle_window * scale * scale),
    )


class StereoLabeler:
    """Rectify (optionally), match and label stereo frames of one calibrated rig.

    Images in an `Observation` are already rectified, so `rectify` is off by default; the focal length and
    baseline always come from the rectified geometry of `calibration`.
    """

    def __init__(self, calibration: StereoCalibration, config: PerceptionConfig, rectify: bool = False) -> None:
        self.config = config
        self.rectifier = Rectifier(calibration)
        self.rectify = rectify
        self.matcher = matcher_from_config(config.stereo)
        self._blind_frames = 0
        self._frames = 0
        self._vertical: deque[float] = deque(maxlen=_VERTICAL_HISTORY)

    @property
    def vertical_offset_px(self) -> float | None:
        """Median of the recent vertical-offset checks (px); None before the first. Rectified rows should agree:
        beyond `max_vertical_px` the calibration no longer fits the rig and frames give no label."""
        return float(np.median(self._vertical)) if self._vertical else None

    @classmethod
    def ideal(cls, camera: CameraConfig, config: PerceptionConfig) -> StereoLabeler:
        """A labeler for the simulator's perfect rig described by the camera config."""
        calibration = StereoCalibration.ideal(camera.width, camera.height, camera.hfov_deg, camera.baseline_m)
        return cls(calibration, config)

    @property
    def available(self) -> bool:
        """False once no label has come for `unavailable_after` consecutive frames."""
        return self._blind_frames < self.config.stereo.unavailable_after

    def reset(self) -> None:
        self._blind_frames = 0
        self._frames = 0
        self._vertical.clear()

    def read(self, left: np.ndarray, right: np.ndarray) -> StereoReading:
        """Label one stereo pair. A frame without a right image has no stereo reading at all (the arbiter's
        `stereo=None`), which is not the same fact as an unavailable one (no label for a while), so it is refused."""
        if right is None:
            raise ImageInputError("no right image: a frame without one has no stereo reading; do not label it")
        if self.rectify:
            left, right = self.rectifier.rectify(left, right)
        else:
            size = self.rectifier.size
            left, right = as_gray_u8(left, "left image", size), as_gray_u8(right, "right image", size)
        cfg = self.config.stereo
        if cfg.vertical_check_every and self._frames % cfg.vertical_check_every == 0:
            offset = vertical_offset(left, right)  # the calibration drifts slowly: checking now and then is enough
            if offset is not None:
                self._vertical.append(offset)
        self._frames += 1
        match = self.matcher.match(left, right)
        offset = self.vertical_offset_px
        rows_off = offset is not None and abs(offset) > cfg.max_vertical_px
        agreement = -1.0 if rows_off else self._agreement(match.correlation)
        return self.label(match.disparity, agreement, match.out_of_view)

    def label(
        self, disparity: np.ndarray, agreement: float | None = None, out_of_view: np.ndarray | None = None
    ) -> StereoReading:
        """Depth, nearest-obstacle label and profile of a disparity map; advances the blind-frame count.

        `agreement` is how well the matched windows of the central region correlate (median); below the
        configured minimum the two images no longer agree (noise, a calibration off vertically) and the frame
        gives no label rather than a wrong one. `read` passes -1 while the rows are off vertically.
        `out_of_view` marks pixels whose match lies outside the right image: near points at the left edge. A
        profile band where they reach the rule's share could hide an obstacle nearer than what it saw, so it
        says unknown rather than too far."""
        distance, valid_fraction, profile = self._labels(disparity)
        if out_of_view is not None:
            profile = np.where(self._hidden_bands(out_of_view), np.nan, profile).astype(np.float32)
        if agreement is not None and agreement < self.config.stereo.min_agreement:
            distance, profile = None, np.full_like(profile, np.nan)
        self._blind_frames = 0 if distance is not None else self._blind_frames + 1
        return StereoReading(
            disparity=disparity,
            depth_m=depth_from_disparity(disparity, self.rectifier.focal_px, self.rectifier.baseline_m),
            distance_m=distance,
            valid_fraction=valid_fraction,
            profile_m=profile,
            available=self.available,
        )

    def ideal_distance(self, depth_m: np.ndarray) -> float | None:
        """The label a perfect matcher would give for a true depth map (simulator evaluation); no side effects."""
        return self.ideal_labels(depth_m)[0]

    def ideal_labels(self, depth_m: np.ndarray) -> tuple[float | None, np.ndarray]:
        """(nearest-obstacle distance, column profile) by the same rule from a true depth map; no side effects."""
        depth = np.asarray(depth_m, dtype=np.float32)
        with np.errstate(divide="ignore"):
            disparity = np.where(np.isfinite(depth), self.rectifier.focal_px * self.rectifier.baseline_m / depth, 0.0)
        distance, _, profile = self._labels(np.where(np.isnan(depth), np.nan, disparity).astype(np.float32))
        return distance, profile

    def _labels(self, disparity: np.ndarray) -> tuple[float | None, float, np.ndarray]:
        """(nearest-obstacle distance or None, share of valid pixels in the central region, column profile)."""
        cfg, limits = self.config.stereo, self.config
        f, b = self.rectifier.focal_px, self.rectifier.baseline_m
        disparity = smoothed(disparity, cfg.smooth_px)
        distance, valid_fraction = self._nearest(disparity)
        rows, _ = central_region(disparity.shape, cfg.roi_width, cfg.roi_height)
        profile_d = column_profile(
            disparity, rows, cfg.profile_columns, cfg.bin_px, cfg.nearest_fraction, cfg.min_valid_fraction
        )
        return distance, valid_fraction, distances_of(profile_d, f, b, limits.min_distance_m, limits.max_distance_m)

    def _nearest(self, disparity: np.ndarray) -> tuple[float | None, float]:
        """(nearest-obstacle distance or None, share of valid pixels) in the central region."""
        cfg, limits = self.config.stereo, self.config
        rows, cols = central_region(disparity.shape, cfg.roi_width, cfg.roi_height)
        roi = disparity[rows, cols]
        finite = np.isfinite(roi)
        valid_fraction = float(finite.mean())
        if valid_fraction < cfg.min_valid_fraction or not finite.any():
            return None, valid_fraction
        d = nearest_disparity(roi[finite], cfg.bin_px, cfg.nearest_fraction)
        f, b = self.rectifier.focal_px, self.rectifier.baseline_m
        return distance_of(d, f, b, limits.min_distance_m, limits.max_distance_m), valid_fraction

    def _hidden_bands(self, out_of_view: np.ndarray) -> np.ndarray:
        """Bool per profile band: enough out-of-view pixels that a nearer obstacle could hide there."""
        cfg = self.config.stereo
        rows, _ = central_region(out_of_view.shape, cfg.roi_width, cfg.roi_height)
        band = out_of_view[rows]
        edges = np.linspace(0, band.shape[1], cfg.profile_columns + 1).round().astype(int)
        cumulative = np.concatenate([[0], np.cumsum(band.sum(axis=0))])
        hidden = cumulative[edges[1:]] - cumulative[edges[:-1]]
        sizes = np.maximum(np.diff(edges) * band.shape[0], 1)
        return hidden >= cfg.nearest_fraction * sizes

    def _agreement(self, correlation: np.ndarray) -> float | None:
        """Median window correlation of the judged matches in the central region, those the correlation test
        voided included (else the test would vouch for itself); None when none is judged."""
        cfg = self.config.stereo
        rows, cols = central_region(correlation.shape, cfg.roi_width, cfg.roi_height)
        region = correlation[rows, cols]
        judged = region < 1.0
        return float(np.median(region[judged])) if judged.any() else None
