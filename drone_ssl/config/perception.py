"""Typed configuration of perception: stereo labels, the monocular CNN and the texton + kNN estimator."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.loader import MAX_SEED, section, spec
from drone_ssl.errors import ConfigError


@dataclass(frozen=True)
class StereoConfig:
    method: str = spec("sgbm", choices=("sgbm", "bm"))
    max_disparity: int = spec(32, lo=16, hi=512)  # pixels at the camera's resolution; rounded up to a multiple of 16
    block_size: int = spec(3, lo=3, hi=21)  # odd matching window side (BM takes at least 5)
    uniqueness_ratio: int = spec(20, lo=0, hi=100)  # percent margin of the best match over the second best
    lr_max_diff: int = spec(1, lo=0, hi=16)  # left-right consistency tolerance in pixels
    texture_threshold: float = spec(0.1, lo=0.0, hi=255.0)  # mean |dI/dx| in the window below which a pixel is void
    min_correlation: float = spec(0.5, lo=-1.0, hi=1.0)  # a textured window correlating less with its match is void
    min_agreement: float = spec(0.55, lo=-1.0, hi=1.0)  # median correlation of the region's matches: below, no label
    max_vertical_px: float = spec(0.75, lo=0.0, hi=10.0)  # rows of the rectified pair further apart: no label
    vertical_check_every: int = spec(10, lo=0, hi=10000)  # frames between two checks of the rows (0 = never)
    speckle_window: int = spec(20, lo=0, hi=1000)  # connected regions smaller than this (pixels) are void; 0 = off
    roi_width: float = spec(0.5, lo=0.1, hi=1.0)  # central region (share of the image) that "ahead" means
    roi_height: float = spec(0.6, lo=0.1, hi=1.0)
    smooth_px: int = spec(3, lo=1, hi=15)  # window averaging disparities before the label rule (1 = off)
    bin_px: float = spec(0.25, lo=0.0625, hi=4.0)  # disparity histogram bin of the nearest-obstacle rule
    nearest_fraction: float = spec(0.05, lo=0.001, hi=0.5)  # share of valid pixels the nearest bin must reach
    min_valid_fraction: float = spec(0.15, lo=0.0, hi=1.0)  # fewer valid pixels in the region: no label
    unavailable_after: int = spec(10, lo=1, hi=1000)  # consecutive frames without a label: stereo unavailable
    profile_columns: int = spec(16, lo=3, hi=256)  # column bands of the nearest-distance profile

    def __post_init__(self) -> None:
        if self.block_size % 2 == 0:
            raise ConfigError("perception.stereo.block_size", f"must be odd, got {self.block_size}")


TRAIN_PRECISIONS = ("fp32", "bf16")


@dataclass(frozen=True)
class AugmentConfig:
    brightness: float = spec(0.15, lo=0.0, hi=1.0)  # max additive shift, share of full scale
    contrast: float = spec(0.25, lo=0.0, hi=0.9)  # max relative gain change
    noise_std: float = spec(3.0, lo=0.0, hi=50.0)  # grey levels of Gaussian noise
    flip: bool = spec(True)  # horizontal flip, depth target flipped with it
    zoom: float = spec(1.3, lo=1.0, hi=2.0)  # max zoom-in; distance and depth targets shrink by the same factor


@dataclass(frozen=True)
class CnnConfig:
    channels: list[int] = spec([16, 32, 48, 64], lo=1, hi=256)  # the stem, then one stride-2 stage each
    stem_px: int = spec(4, lo=1, hi=16)  # the first stage's patch: stem_px x stem_px pixels, stride stem_px
    learning_rate: float = spec(3e-3, lo=1e-6, hi=1.0)
    weight_decay: float = spec(1e-4, lo=0.0, hi=1.0)
    batch_size: int = spec(64, lo=1, hi=4096)
    depth_weight: float = spec(0.5, lo=0.0, hi=100.0)  # weight of the coarse depth loss beside the distance loss
    depth_min_valid: float = spec(0.25, lo=0.0, hi=1.0)  # share of valid stereo pixels a depth cell needs to count
    threads: int = spec(1, lo=1, hi=64)  # onnxruntime intra-op threads for inference
    # Training kernels: fp32, or bf16 autocast with channels-last tensors where the CPU has bf16 instructions
    # (avx512_bf16 or AMX; fp32 elsewhere, where bf16 would be emulated and slower). bf16 changes the flights:
    # on a 2-core EPYC it took ~22 % less CPU per step, but fly.py --sim seeds 0-2 ended with a final mono MAE of
    # 0.36-0.42 m against fp32's 0.23-0.33 m (ROC AUC 0.85-0.93 against 0.80-0.82), so fp32 stays the default.
    train_precision: str = spec("fp32", choices=TRAIN_PRECISIONS)
    min_contrast: float = spec(2.0, lo=0.0, hi=64.0)  # image std (grey levels) below which there is no reading
    augment: AugmentConfig = section(AugmentConfig)

    def __post_init__(self) -> None:
        if not self.channels or len(self.channels) > 6:
            raise ConfigError("perception.cnn.channels", "needs 1 to 6 stages, e.g. [16, 32, 48, 64]")


@dataclass(frozen=True)
class TextonConfig:
    intensity_textons: int = spec(10, lo=1, hi=64)
    gradient_textons: int = spec(10, lo=0, hi=64)
    patch_px: int = spec(5, lo=3, hi=15)  # side of a texton patch
    grid: int = spec(22, lo=4, hi=64)  # patches sampled on a grid x grid lattice per image
    dictionary_patches: int = spec(20000, lo=100, hi=1000000)  # patches k-means learns each dictionary from
    k: int = spec(5, lo=1, hi=50)  # neighbours of the kNN regression
    buffer_size: int = spec(4500, lo=10, hi=1000000)  # ring buffer of (features, distance) samples
    retrain_every: int = spec(50, lo=1, hi=100000)  # new samples between two refits of the kNN
    seed: int = spec(0, lo=0, hi=MAX_SEED)


@dataclass(frozen=True)
class PerceptionConfig:
    avoid_distance_m: float = spec(1.2, lo=0.2, hi=10.0)  # "obstacle ahead" decision threshold (ROC AUC, arbiter)
    min_distance_m: float = spec(0.1, lo=0.01, hi=5.0)  # labels and predictions are clipped to this range
    max_distance_m: float = spec(8.0, lo=1.0, hi=100.0)
    stereo: StereoConfig = section(StereoConfig)
    cnn: CnnConfig = section(CnnConfig)
    textons: TextonConfig = section(TextonConfig)

    def __post_init__(self) -> None:
        if not self.min_distance_m < self.avoid_distance_m < self.max_distance_m:
            raise ConfigError(
                "perception.avoid_distance_m",
                f"must lie between min_distance_m ({self.min_distance_m:g}) and max_distance_m "
                f"({self.max_distance_m:g})",
            )
