"""How well a disparity map's matches agree with the images: window correlation, and the rows' vertical offset."""

from __future__ import annotations

import cv2
import numpy as np

MIN_VARIANCE = 4.0  # grey levels squared: windows flatter than this carry too little signal to correlate


def exposure_matched(image: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`image` with the mean and contrast of `reference`: two cameras' auto-exposures differ, and SGBM's cost
    (intensity and gradient differences) would read that gain as a mismatch. The views overlap almost entirely,
    so whole-image statistics are the gain and offset between them."""
    mean_i, std_i = cv2.meanStdDev(image)
    mean_r, std_r = cv2.meanStdDev(reference)
    if std_i[0, 0] < 1e-3 or std_r[0, 0] < 1e-3:
        return image
    gain = std_r[0, 0] / std_i[0, 0]
    return cv2.convertScaleAbs(image, alpha=gain, beta=mean_r[0, 0] - gain * mean_i[0, 0])


def matched_right(right: np.ndarray, disparity: np.ndarray, dy: float = 0.0) -> np.ndarray:
    """The right image sampled where each left pixel's match lies (x - d, y + dy), float32."""
    h, w = right.shape
    xs = np.arange(w, dtype=np.float32)[None, :] - np.nan_to_num(disparity, nan=0.0).astype(np.float32)
    ys = np.ascontiguousarray(np.broadcast_to(np.arange(h, dtype=np.float32)[:, None] + dy, (h, w)))
    return cv2.remap(right.astype(np.float32), xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def window_correlation(left: np.ndarray, right: np.ndarray, disparity: np.ndarray, block: int, dy: float = 0.0):
    """Zero-mean normalised cross-correlation of each pixel's `block` window with its match's; +1 where the left
    window is too flat to judge or the disparity is NaN. Gain and offset between the cameras do not change it;
    noise, vertical misalignment and a match to the wrong place lower it."""
    lf = left.astype(np.float32)
    rf = matched_right(right, disparity, dy)
    k = (block, block)
    ml, mr = cv2.blur(lf, k), cv2.blur(rf, k)
    vl = cv2.blur(lf * lf, k) - ml * ml
    vr = cv2.blur(rf * rf, k) - mr * mr
    cov = cv2.blur(lf * rf, k) - ml * mr
    ncc = cov / np.sqrt(np.maximum(vl * vr, 1e-6))
    return np.where((vl > MIN_VARIANCE) & np.isfinite(disparity), ncc, 1.0).astype(np.float32)


MIN_PEAK = 0.1  # phase correlation peak below which the views share too little structure to compare rows


def vertical_offset(left: np.ndarray, right: np.ndarray) -> float | None:
    """Vertical shift (px, + = the right image's content lower) between the views, by phase correlation of their
    vertical gradients: in a rectified pair the rows agree whatever the depths, so any global shift is the
    calibration's. Exact to about 0.25 px (sub-pixel shifts read towards whole pixels), enough to tell a pair
    that is 1 px off from one that is right. None when the views share too little structure (flat, noise)."""
    gl = cv2.Sobel(left.astype(np.float32), cv2.CV_32F, 0, 1)
    gr = cv2.Sobel(right.astype(np.float32), cv2.CV_32F, 0, 1)
    window = cv2.createHanningWindow((left.shape[1], left.shape[0]), cv2.CV_32F)
    (_, dy), peak = cv2.phaseCorrelate(gl, gr, window)
    return float(dy) if peak >= MIN_PEAK and np.isfinite(dy) else None
