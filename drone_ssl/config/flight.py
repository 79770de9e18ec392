"""Typed configuration of flight decisions: the behaviour arbiter (cues, phases, training wheels) and avoidance."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.loader import spec
from drone_ssl.errors import ConfigError

STRATEGY_NAMES = ("stereo", "mono", "naive", "persistent")
THRESHOLD_ON_MONO = ("down", "frozen", "both")
TURN_MODES = ("freer_side", "paper")


@dataclass(frozen=True)
class ArbiterConfig:
    strategy: str = spec("persistent", choices=STRATEGY_NAMES)
    # STEREO -> MONO: the learner's held-out window must pass the ROC rule or the MSE rule.
    switch_min_tpr: float = spec(0.95, lo=0.0, hi=1.0)
    switch_max_fpr: float = spec(0.4, lo=0.0, hi=1.0)  # the paper's FPR < 0.4: false alarms cost detours, not crashes
    switch_max_mse_log: float = spec(0.01, lo=0.0, hi=10.0)  # squared ln-distance error; 0 turns the rule off
    switch_min_rounds: int = spec(1, lo=1, hi=100000)  # learning rounds before any switch
    switch_min_samples: int = spec(100, lo=1, hi=1000000)  # scored pairs in the window
    switch_min_obstacles: int = spec(10, lo=1, hi=1000000)  # of which stereo said "obstacle"
    # MONO -> STEREO (a new room): looser bounds than the switch, so the phases do not flap. Loose on FPR and MSE in
    # particular: where mono flies, the window fills with frames turning away near its threshold, which raises both
    # without mono getting worse (measured in the simulator); missed obstacles (TPR, overrides) are what matter.
    fallback_min_tpr: float = spec(0.8, lo=0.0, hi=1.0)
    fallback_max_fpr: float = spec(0.95, lo=0.0, hi=1.0)
    fallback_max_mse_log: float = spec(0.1, lo=0.0, hi=10.0)  # only checked when the MSE rule is on
    fallback_confirmations: int = spec(2, lo=1, hi=100)  # consecutive degraded windows before mono loses trust
    fallback_overrides: int = spec(3, lo=0, hi=1000)  # this many training-wheel overrides within the window; 0 = off
    fallback_window_s: float = spec(30.0, lo=1.0, hi=3600.0)
    min_dwell_s: float = spec(10.0, lo=0.0, hi=3600.0)  # least time in STEREO or MONO before trading them
    # How mono's obstacle threshold follows the validated windows while mono flies (on stereo: always both ways).
    # "down": windows only lower it (a window flown on mono is biased upward: see Arbiter._follow_threshold) and
    # each training-wheel override (a miss) raises it half-way to what mono read; "frozen": kept from the last
    # stereo window; "both": follows the window, bias and all.
    threshold_on_mono: str = spec("down", choices=THRESHOLD_ON_MONO)
    # Mono's decision distance is the median of its last frames (1: this frame alone): one frame's flicker neither
    # stops the drone nor ends a turn; the learner validates the smoothed distance, as it flies.
    mono_smoothing_frames: int = spec(3, lo=1, hi=50)
    corridor_half_width_m: float = spec(0.35, lo=0.0, hi=5.0)  # half the body's width plus a margin: the path ahead
    mono_lost_after: int = spec(10, lo=1, hi=1000)  # consecutive frames without a mono distance: mono unusable
    # Training wheels: stereo sees an imminent obstacle (below this share of perception.avoid_distance_m) that mono
    # misses: the counter grows by 1, otherwise it decays; reaching the bound forces the avoidance manoeuvre.
    wheels_imminent_share: float = spec(0.8, lo=0.1, hi=1.0)
    wheels_bound: float = spec(3.0, lo=1.0, hi=100.0)
    wheels_decay: float = spec(0.5, lo=0.0, hi=100.0)

    def __post_init__(self) -> None:
        if self.fallback_min_tpr > self.switch_min_tpr:
            raise ConfigError("arbiter.fallback_min_tpr", f"must not exceed switch_min_tpr ({self.switch_min_tpr:g})")
        if self.fallback_max_fpr < self.switch_max_fpr:
            raise ConfigError("arbiter.fallback_max_fpr", f"must not be below switch_max_fpr ({self.switch_max_fpr:g})")
        if self.fallback_max_mse_log < self.switch_max_mse_log:
            raise ConfigError(
                "arbiter.fallback_max_mse_log", f"must not be below switch_max_mse_log ({self.switch_max_mse_log:g})"
            )


@dataclass(frozen=True)
class BehaviourConfig:
    cruise_speed_mps: float = spec(0.5, lo=0.05, hi=5.0)  # body forward speed flown straight ahead
    altitude_m: float = spec(1.0, lo=0.3, hi=5.0)
    speed_kp: float = spec(0.5, lo=0.0, hi=10.0)  # pitch command per m/s of speed error
    speed_ki: float = spec(0.1, lo=0.0, hi=10.0)  # pitch command per m of accumulated speed error
    speed_ff: float = spec(0.25, lo=0.0, hi=10.0)  # pitch command per m/s of wanted speed (drag feed-forward)
    max_tilt_command: float = spec(0.5, lo=0.05, hi=1.0)  # limit of the pitch and roll commands
    altitude_kp: float = spec(1.0, lo=0.0, hi=10.0)  # gaz per m of altitude error
    altitude_deadband_m: float = spec(0.05, lo=0.0, hi=1.0)  # inside it gaz is 0: the drone's own hold keeps it
    max_gaz: float = spec(0.5, lo=0.05, hi=1.0)
    stop_speed_mps: float = spec(0.1, lo=0.01, hi=2.0)  # horizontal speed below which the drone counts as stopped
    stop_timeout_s: float = spec(3.0, lo=0.1, hi=60.0)  # turn anyway if braking takes longer
    turn_mode: str = spec("freer_side", choices=TURN_MODES)  # paper: always clockwise + random extra turn
    turn_rate: float = spec(0.5, lo=0.05, hi=1.0)  # yaw command while turning
    clear_frames: int = spec(2, lo=1, hi=100)  # consecutive clear decisions that end "yaw until clear"
    clear_margin_m: float = spec(0.3, lo=0.0, hi=10.0)  # "clear" = this much beyond the cue's obstacle threshold
    keep_side_s: float = spec(5.0, lo=0.0, hi=600.0)  # a new stop this soon after a manoeuvre turns the same way
    blind_turn_frames: int = spec(3, lo=1, hi=1000)  # blind this many frames in a row: turn in place to find a view
    paper_extra_min_rad: float = spec(1.0, lo=0.0, hi=6.3)  # the paper's further random turn, uniform in [min, max]
    paper_extra_max_rad: float = spec(3.0, lo=0.0, hi=6.3)
    freer_extra_rad: float = spec(0.35, lo=0.0, hi=3.2)  # margin turned past "clear" toward the freer side
    stall_speed_mps: float = spec(0.05, lo=0.0, hi=1.0)  # cruising yet slower than this for stall_s: blocked
    stall_s: float = spec(1.5, lo=0.2, hi=60.0)  # (something the cues did not see holds the drone): turn away
    stall_turn_rad: float = spec(1.0, lo=0.0, hi=6.3)  # least extra turn after a stall
    max_turn_rad: float = spec(13.0, lo=1.0, hi=60.0)  # still not clear after this much yaw: boxed in, land
    safe_hover_s: float = spec(2.0, lo=0.0, hi=60.0)  # hover this long without a trusted cue, then land
    # ...unless the stereo images still arrive (a texture-less view): first yaw in place this far looking for one
    safe_search_rad: float = spec(6.3, lo=0.0, hi=60.0)

    def __post_init__(self) -> None:
        if self.paper_extra_max_rad < self.paper_extra_min_rad:
            raise ConfigError(
                "behaviour.paper_extra_max_rad",
                f"must not be below paper_extra_min_rad ({self.paper_extra_min_rad:g})",
            )
