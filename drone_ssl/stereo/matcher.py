"""Dense disparity from a rectified stereo pair with OpenCV (SGBM or BM), invalid pixels as NaN."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from drone_ssl.stereo.agreement import exposure_matched, window_correlation
from drone_ssl.vision.image_input import ImageInputError, as_gray_pair

METHODS = ("sgbm", "bm")
_SUBPIXEL = 16.0  # OpenCV returns disparities as int16 fixed point with 4 fractional bits
CORRELATION_WINDOW = 5  # side of the windows the agreement is judged on: 3x3 correlations are too noisy


@dataclass(frozen=True)
class Match:
    """What matching one rectified pair gives."""

    disparity: np.ndarray  # float32 HxW, pixels, NaN where invalid
    correlation: np.ndarray  # float32 HxW window correlation with the match; +1 where not judged
    out_of_view: np.ndarray  # bool HxW: the match would lie left of the right image (near points at the left edge)


class StereoMatcher:
    """Block matching on rectified grayscale pairs; `disparity` is in pixels, NaN where no trustworthy match.

    The filters keep only matches we would bet a distance on: OpenCV's left-right consistency check
    (`lr_max_diff`; SGBM always checks to at least 1 px), its uniqueness ratio, its speckle filter, a
    texture test that voids windows with (almost) no horizontal gradient (saturated, covered or rendered
    flat: they match anywhere), pixels whose match would lie left of the right image (no match exists), and
    textured windows that correlate less than `min_correlation` with their match (noise, rows off, a wrong
    match). The right image is first brought to the left's exposure (gain and offset) and SGBM runs in
    OpenCV's 3-way mode: on real pairs as accurate as 8 paths and faster than 5.
    Defaults come from real pairs with ground truth (`bench.py perception`): a stricter texture test voided
    half of a real image without making the rest more accurate.
    """

    def __init__(
        self,
        max_disparity: int = 64,
        method: str = "sgbm",
        block_size: int = 5,
        uniqueness_ratio: int = 20,
        lr_max_diff: int = 1,
        texture_threshold: float = 0.1,
        speckle_window: int = 0,
        speckle_range: int = 2,
        min_correlation: float = 0.5,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
        if max_disparity < 1:
            raise ValueError(f"max_disparity must be positive, got {max_disparity}")
        if block_size < (5 if method == "bm" else 3) or block_size % 2 == 0:
            raise ValueError(f"block_size must be odd and >= 3 (5 for bm), got {block_size}")
        self.max_disparity = int(max_disparity)
        self.method = method
        self.block_size = int(block_size)
        self.uniqueness_ratio = int(uniqueness_ratio)
        self.lr_max_diff = int(lr_max_diff)
        self.texture_threshold = float(texture_threshold)
        self.speckle_window = int(speckle_window)
        self.speckle_range = int(speckle_range)
        self.min_correlation = float(min_correlation)
        self._engines: dict[int, cv2.StereoMatcher] = {}

    def disparity(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Float32 HxW disparity in pixels (left x minus right x), NaN where invalid."""
        return self.match(left, right).disparity

    def match(self, left: np.ndarray, right: np.ndarray) -> Match:
        """Disparity, each pixel's window correlation with its match, and which pixels have no match at all."""
        left, right = as_gray_pair(left, right)
        if left.shape[0] < self.block_size:
            raise ImageInputError(f"images {left.shape[0]} px high are lower than the {self.block_size} px block")
        right = exposure_matched(right, left)
        count = self._disparity_count(left.shape[1])
        # OpenCV leaves the leftmost `count` columns empty; padding both images on the left by that much lets
        # every pixel whose match lies inside the right image get a disparity (a quarter of a 128 px image).
        padded = [cv2.copyMakeBorder(img, 0, 0, count, 0, cv2.BORDER_REPLICATE) for img in (left, right)]
        raw = self._engine(count).compute(*padded)[:, count:]
        disparity = raw.astype(np.float32) / _SUBPIXEL
        invalid = raw < 0  # OpenCV marks failures as (minDisparity - 1) * 16 = -16
        # A match inside the padding is no match: that point is out of the right camera's view, and what SGBM
        # puts there is its smoothness prior, not a measurement.
        out_of_view = ~invalid & (disparity > np.arange(left.shape[1], dtype=np.float32))
        invalid |= out_of_view
        if self.texture_threshold > 0:
            invalid |= self._texture(left) < self.texture_threshold
        disparity[invalid] = np.nan
        correlation = self.correlation(left, right, disparity)
        disparity[correlation < self.min_correlation] = np.nan
        return Match(disparity, correlation, out_of_view)

    def correlation(self, left: np.ndarray, right: np.ndarray, disparity: np.ndarray) -> np.ndarray:
        """Each pixel's window correlation with its match (`window_correlation`); +1 where it cannot be judged."""
        return window_correlation(left, right, disparity, max(self.block_size, CORRELATION_WINDOW))

    def _disparity_count(self, width: int) -> int:
        # OpenCV wants a multiple of 16 that leaves room to match; narrow images get a smaller search range.
        wanted = -(-self.max_disparity // 16) * 16
        fits = (width // 16) * 16
        if fits < 16:
            raise ImageInputError(f"images {width} px wide are too narrow to match; at least 16")
        return min(wanted, fits)

    def _engine(self, count: int) -> cv2.StereoMatcher:
        engine = self._engines.get(count)
        if engine is None:
            engine = self._make_engine(count)
            self._engines[count] = engine
        return engine

    def _make_engine(self, count: int) -> cv2.StereoMatcher:
        if self.method == "bm":
            engine = cv2.StereoBM_create(numDisparities=count, blockSize=self.block_size)
            engine.setPreFilterCap(31)
            engine.setTextureThreshold(0)  # our own texture test below treats BM and SGBM alike
        else:
            area = self.block_size * self.block_size
            engine = cv2.StereoSGBM_create(
                minDisparity=0,
                numDisparities=count,
                blockSize=self.block_size,
                P1=8 * area,
                P2=32 * area,
                preFilterCap=31,
                mode=cv2.StereoSGBM_MODE_SGBM_3WAY,
            )
        engine.setUniquenessRatio(self.uniqueness_ratio)
        engine.setDisp12MaxDiff(self.lr_max_diff)
        engine.setSpeckleWindowSize(self.speckle_window)
        engine.setSpeckleRange(self.speckle_range)
        return engine

    def _texture(self, image: np.ndarray) -> np.ndarray:
        """Mean |dI/dx| (grey levels per pixel) over the matching window around each pixel."""
        gradient = np.abs(cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3)) / 8.0
        return cv2.blur(gradient, (self.block_size, self.block_size))
