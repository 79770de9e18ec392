"""Stereo on real images with ground truth: disparity accuracy beside OpenCV's matchers, labels, camera effects."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import cv2
import numpy as np

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl.stereo.labeler import StereoLabeler, matcher_from_config
from drone_ssl_lab.bench.disparity_metrics import disparity_scores, shared_bad
from drone_ssl_lab.data.real_stereo_pairs import TruthPair, downscaled

Matcher = Callable[[np.ndarray, np.ndarray], np.ndarray]
WRONG_LOG = 0.25  # a label off by more than this in log distance (~28 %) is wrong


def _opencv(engine: cv2.StereoMatcher) -> Matcher:
    def match(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        disparity = engine.compute(left, right).astype(np.float32) / 16.0
        disparity[disparity < 0] = np.nan
        return disparity

    return match


def reference_matchers(max_disparity: int) -> dict[str, Matcher]:
    """OpenCV SGBM and BM with stock settings (only the disparity range set), and SGBM hand-tuned the usual
    way (block 5, P1/P2 = 8/32 x 25, uniqueness 10, speckle 100/2: as the issue measured it)."""
    count = -(-max_disparity // 16) * 16
    return {
        "sgbm_stock": _opencv(cv2.StereoSGBM_create(0, count)),
        "bm_stock": _opencv(cv2.StereoBM_create(count)),
        "sgbm_tuned": _opencv(
            cv2.StereoSGBM_create(
                0, count, 5, P1=8 * 25, P2=32 * 25, uniquenessRatio=10, speckleWindowSize=100, speckleRange=2
            )
        ),
    }


def perception_for(perception: PerceptionConfig, max_disparity: float, width: int) -> PerceptionConfig:
    """The stack's stereo settings for a camera `width` px wide whose nearest point has `max_disparity`."""
    scale = width / 128.0
    stereo = dataclasses.replace(
        perception.stereo,
        max_disparity=max(16, int(np.ceil(max_disparity * 1.25))),
        speckle_window=round(perception.stereo.speckle_window * scale * scale),
    )
    return dataclasses.replace(perception, stereo=stereo)


def disparity_accuracy(pair: TruthPair, perception: PerceptionConfig, bad_px: float = 2.0) -> dict[str, dict]:
    """Density and bad-pixel rates of our matcher and OpenCV's on one pair; `shared` compares ours with tuned
    SGBM on the pixels both keep (bad share ours minus theirs: <= 0 means ours is right at least as often)."""
    width = pair.left.shape[1]
    config = perception_for(perception, pair.max_disparity, width)
    ours = matcher_from_config(config.stereo).disparity(pair.left, pair.right)
    out = {"ours": _scores(ours, pair.disparity, bad_px)}
    for name, match in reference_matchers(config.stereo.max_disparity).items():
        estimate = match(pair.left, pair.right)
        out[name] = _scores(estimate, pair.disparity, bad_px)
        if name == "sgbm_tuned":
            mine, theirs = shared_bad(ours, estimate, pair.disparity, bad_px)
            out["ours"]["bad_on_shared_minus_tuned"] = round(mine - theirs, 4)
    return out


def _scores(estimate: np.ndarray, truth: np.ndarray, bad_px: float) -> dict[str, float]:
    return {k: round(v, 4) for k, v in disparity_scores(estimate, truth, bad_px).items()}


def rig_of(pair: TruthPair) -> StereoCalibration:
    """The calibration of a pair's rig: principal points `doffs_px` apart, so rectification has work to do."""
    h, w = pair.left.shape
    f, cx, cy = pair.focal_px, (w - 1) / 2, (h - 1) / 2
    K1 = np.array([[f, 0.0, cx], [0.0, f, cy], [0.0, 0.0, 1.0]])
    K2 = K1.copy()
    K2[0, 2] += pair.doffs_px
    zeros = np.zeros((1, 5))
    return StereoCalibration((w, h), K1, zeros, K2, zeros.copy(), np.eye(3), np.array([[-pair.baseline_m], [0], [0]]))


def label_pair(pair: TruthPair, perception: PerceptionConfig) -> dict[str, float | None]:
    """Labels from the raw pair and its calibration (rectify, match, label) against the same rule on the truth."""
    calibration = rig_of(pair)
    probe = StereoLabeler(calibration, perception, rectify=True)
    # the true depth seen from the rectified left camera, and the disparity range that rectification leaves
    m1x, m1y, _, _, _ = calibration.rectification_maps()
    depth = cv2.remap(pair.depth_m(), m1x, m1y, cv2.INTER_NEAREST, borderValue=float("nan"))
    rectified_max = probe.rectifier.focal_px * pair.baseline_m / float(np.nanmin(depth))
    labeler = StereoLabeler(calibration, perception_for(perception, rectified_max, pair.left.shape[1]), rectify=True)
    reading = labeler.read(pair.left, pair.right)
    truth, truth_profile = labeler.ideal_labels(depth)
    avoid = perception.avoid_distance_m
    out: dict[str, float | None] = {"truth_m": truth, "stereo_m": reading.distance_m}
    if truth is not None and reading.distance_m is not None:
        out["error_m"] = reading.distance_m - truth
        out["decision_agrees"] = float((reading.distance_m < avoid) == (truth < avoid))
    both = np.isfinite(reading.profile_m) & np.isfinite(truth_profile)
    out["profile_coverage"] = float(np.isfinite(reading.profile_m).mean())
    if both.any():
        out["profile_median_abs_error_m"] = float(np.median(np.abs(reading.profile_m[both] - truth_profile[both])))
        agree = (reading.profile_m[both] < avoid) == (truth_profile[both] < avoid)
        out["profile_decision_agreement"] = float(agree.mean())
        log_error = np.log(reading.profile_m[both] / truth_profile[both])
        out["profile_wrong_share"] = float(np.mean(np.abs(log_error) > WRONG_LOG))
        out["profile_too_far_share"] = float(np.mean(log_error > WRONG_LOG))  # the dangerous side: a missed obstacle
    return out


def label_summary(rows: list[dict[str, float | None]]) -> dict[str, float | int | None]:
    """Label figures over many pairs: coverage, errors in metres, wrong share, obstacle/clear agreement."""
    errors = np.array([r["error_m"] for r in rows if r.get("error_m") is not None], dtype=float)
    truths = np.array([r["truth_m"] for r in rows if r.get("error_m") is not None], dtype=float)
    decisions = [r["decision_agrees"] for r in rows if r.get("decision_agrees") is not None]
    profile = [r for r in rows if r.get("profile_median_abs_error_m") is not None]

    def mean(key: str, items: list) -> float | None:
        return round(float(np.mean([r[key] for r in items])), 4) if items else None

    log_errors = np.log((truths + errors) / truths) if errors.size else np.zeros(0)
    return {
        "pairs": len(rows),
        "label_coverage": round(errors.size / max(len(rows), 1), 4),
        "median_abs_error_m": round(float(np.median(np.abs(errors))), 4) if errors.size else None,
        "worst_abs_error_m": round(float(np.max(np.abs(errors))), 4) if errors.size else None,
        "wrong_label_share": round(float(np.mean(np.abs(log_errors) > WRONG_LOG)), 4) if errors.size else None,
        "too_far_label_share": round(float(np.mean(log_errors > WRONG_LOG)), 4) if errors.size else None,
        "decision_agreement": round(float(np.mean(decisions)), 4) if decisions else None,
        "profile_coverage": mean("profile_coverage", rows),
        "profile_median_abs_error_m": mean("profile_median_abs_error_m", profile),
        "profile_decision_agreement": mean("profile_decision_agreement", profile),
        "profile_wrong_share": mean("profile_wrong_share", profile),
        "profile_too_far_share": mean("profile_too_far_share", profile),
    }


# Camera effects, each applied at the camera's resolution with a strength; 0 is the clean pair.
def _noise(pair: TruthPair, sigma: float, rng: np.random.Generator) -> TruthPair:
    noisy = [np.clip(img + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8) for img in (pair.left, pair.right)]
    return dataclasses.replace(pair, left=noisy[0], right=noisy[1])


def _exposure(pair: TruthPair, gain: float, rng: np.random.Generator) -> TruthPair:
    right = np.clip(pair.right.astype(np.float32) * gain + 10.0 * (1.0 - gain), 0, 255).astype(np.uint8)
    return dataclasses.replace(pair, right=right)


def _vertical(pair: TruthPair, pixels: float, rng: np.random.Generator) -> TruthPair:
    shift = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, pixels]])
    h, w = pair.right.shape
    right = cv2.warpAffine(pair.right, shift, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return dataclasses.replace(pair, right=right)


def _blur(pair: TruthPair, length: float, rng: np.random.Generator) -> TruthPair:
    if length < 1:
        return pair
    n = int(round(length))
    kernel = np.full((1, n), 1.0 / n, np.float32)  # the camera sweeps sideways during the exposure
    blurred = [cv2.filter2D(img, -1, kernel, borderType=cv2.BORDER_REPLICATE) for img in (pair.left, pair.right)]
    return dataclasses.replace(pair, left=blurred[0], right=blurred[1])


EFFECTS = {
    "noise_sigma": (_noise, (0.0, 2.0, 4.0, 8.0, 16.0, 32.0)),
    "right_exposure_gain": (_exposure, (1.0, 0.8, 0.6, 0.4, 0.25)),
    "vertical_misalignment_px": (_vertical, (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)),
    "motion_blur_px": (_blur, (0.0, 2.0, 4.0, 8.0, 12.0)),
}


def camera_effects(pairs: list[TruthPair], perception: PerceptionConfig, seed: int = 0) -> dict[str, dict]:
    """Label coverage and wrong-label share for each effect and strength over the same pairs."""
    out: dict[str, dict] = {}
    for name, (effect, strengths) in EFFECTS.items():
        out[name] = {}
        for strength in strengths:
            rng = np.random.default_rng(seed)
            rows = [label_pair(effect(pair, strength, rng), perception) for pair in pairs]
            summary = label_summary(rows)
            out[name][str(strength)] = {
                k: summary[k]
                for k in (
                    "label_coverage",
                    "wrong_label_share",
                    "too_far_label_share",
                    "profile_coverage",
                    "profile_wrong_share",
                    "profile_too_far_share",
                )
            }
    return out


def real_figures(perception: PerceptionConfig, scenes: int, progress: Callable[[str], None]) -> dict:
    """Disparity accuracy per data set and resolution, label chain, camera effects (`bench.py perception`)."""
    from drone_ssl_lab.data.real_stereo_pairs import StereoDataError, middlebury_motorcycle, photographs, warped_pair

    sets: dict[str, list[TruthPair]] = {}
    try:
        sets["middlebury_motorcycle"] = [middlebury_motorcycle()]
    except StereoDataError as exc:
        progress(f"skipping the Middlebury pair: {exc}")
    photos = photographs()
    rng = np.random.default_rng(0)
    if photos:
        chosen = [photos[i % len(photos)] for i in range(scenes)]
        sets["warped_photographs"] = [warped_pair(name, photo, rng) for name, photo in chosen]
    out: dict = {"disparity_bad2": {}, "labels": {}}
    for name, pairs in [(n, p) for n, p in sets.items() if p]:
        for size in (None, (320, 240), (128, 96)):
            progress(f"real stereo: {name} at {'full size' if size is None else f'{size[0]}x{size[1]}'}")
            scaled = pairs if size is None else [downscaled(p, *size) for p in pairs]
            key = "full" if size is None else f"{size[0]}x{size[1]}"
            out["disparity_bad2"][f"{name}@{key}"] = _mean_tables([disparity_accuracy(p, perception) for p in scaled])
            out["labels"][f"{name}@{key}"] = label_summary([label_pair(p, perception) for p in scaled])
    effect_pairs = [downscaled(p, 128, 96) for pairs in sets.values() for p in pairs]
    if effect_pairs:
        progress(f"camera effects on {len(effect_pairs)} pairs at 128x96")
        out["camera_effects_128x96"] = camera_effects(effect_pairs, perception)
    return out


def _mean_tables(tables: list[dict[str, dict]]) -> dict[str, dict]:
    """Figures averaged over pairs, matcher by matcher."""
    return {
        matcher: {k: round(float(np.mean([t[matcher][k] for t in tables])), 4) for k in tables[0][matcher]}
        for matcher in tables[0]
    }
