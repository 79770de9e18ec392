"""`Arbiter`: per frame, decide which cue flies (stereo, mono with training wheels, mono alone, none)."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from drone_ssl.arbiter.corridor import ahead, nearest, nearest_ahead
from drone_ssl.arbiter.criteria import fallback_reason, switch_reason
from drone_ssl.arbiter.decision import Decision
from drone_ssl.arbiter.events import OverrideEvent, PhaseSwitch
from drone_ssl.arbiter.phases import STRATEGIES, Phase
from drone_ssl.arbiter.training_wheels import TrainingWheels
from drone_ssl.config.flight import ArbiterConfig

if TYPE_CHECKING:  # annotations only: the arbiter needs no model code (torch) to decide
    from drone_ssl.config import BrainConfig
    from drone_ssl.learner.metrics import ValidationMetrics
    from drone_ssl.mono.reading import MonoReading
    from drone_ssl.stereo.reading import StereoReading

_TRADED = {Phase.STEREO, Phase.MONO}  # the pair the dwell time and hysteresis guard


class Arbiter:
    """The behaviour arbiter of the persistent self-supervised loop.

    Call `update` once per stereo frame with that frame's stereo reading (None when the right image is missing),
    the mono reading (pass it every frame, in every phase: frames without one count toward "mono unusable"),
    and the learner's latest validation metrics (None before the first; the same object may be passed again).

    "No stereo" has one representation: a frame whose `Observation.right` is None (the camera is gone, or the
    pilot dropped the image for the stereo-cut experiment), which reaches the arbiter as `stereo=None`; in SAFE
    the drone then lands (`Decision.camera_up` False). A reading with `available=False` is another fact: the
    right image arrives but has given no label for a while (no texture), so SAFE may look elsewhere.

    Mono is *trusted* from the start (strategy `mono`), or once the held-out window passes the switch rules
    (`naive`, `persistent`), until it fails the looser fallback rules or the training wheels fire too often;
    trust lost this way returns only with a later learning round. A degraded window must repeat
    (`fallback_confirmations` in a row) before it counts: one noisy window does not make the phases flap.
    The phase follows from trust and the cues: stereo up -> MONO if mono is trusted and usable, else STEREO
    (trading the two waits `min_dwell_s` unless mono stopped giving readings); stereo down -> MONO_ONLY if mono
    is trusted and usable, else SAFE. Mono's obstacle threshold follows the learner's ROC choice on the distance
    the decision flies (`nearest_ahead`): both ways while stereo flies, only down while mono does (see
    `_follow_threshold`).
    """

    def __init__(
        self,
        config: ArbiterConfig,
        avoid_distance_m: float,
        mono_threshold_m: float | None = None,
        hfov_deg: float | None = None,
        clear_margin_m: float = 0.0,
    ) -> None:
        """`mono_threshold_m`: a given model's obstacle threshold (default: the avoid distance). `hfov_deg`: the
        camera's horizontal field of view, which maps the column profiles onto the body's path; None leaves the
        decisions to the central distance alone. `clear_margin_m`: how far beyond the avoid distance stereo must
        read for a turn to end; mono's equivalent comes from each validated window."""
        self.config = config
        self.stereo_clear_m = avoid_distance_m + clear_margin_m
        self.strategy = STRATEGIES[config.strategy]
        self.avoid_distance_m = avoid_distance_m
        self.hfov_deg = hfov_deg
        self.mono_threshold_m = avoid_distance_m if mono_threshold_m is None else mono_threshold_m
        self.mono_clear_m: float | None = None  # mono's clear level in its own scale; None: its threshold
        self.mono_trusted = self.strategy.mono_trusted_from_start
        self.phase = Phase.MONO if self.mono_trusted else Phase.STEREO
        self.wheels = TrainingWheels(
            imminent_m=config.wheels_imminent_share * avoid_distance_m,
            clear_m=avoid_distance_m,
            bound=config.wheels_bound,
            decay=config.wheels_decay,
        )
        self._phase_since: float | None = None
        self._trust_reason = "given model" if self.mono_trusted else ""
        self._distrust_reason = ""
        self._distrust_round = -1  # trust may only be (re)gained on a later learning round than this
        self._latest_round = -1
        self._metrics_key: tuple[float, int] | None = None
        self._mono_missing = 0
        self._degraded_windows = 0  # consecutive validation windows that failed the fallback rules
        self._override_times: deque[float] = deque()
        self._mono_recent: deque[float] = deque(maxlen=config.mono_smoothing_frames)  # mono's decision distances

    @classmethod
    def from_config(cls, config: BrainConfig, mono_threshold_m: float | None = None) -> Arbiter:
        """The arbiter wired from the whole configuration (decision distance, camera field of view)."""
        return cls(
            config.arbiter,
            config.perception.avoid_distance_m,
            mono_threshold_m,
            config.camera.hfov_deg,
            config.behaviour.clear_margin_m,
        )

    def update(
        self,
        t: float,
        stereo: StereoReading | None,
        mono: MonoReading | None,
        metrics: ValidationMetrics | None,
    ) -> Decision:
        """Decide this frame's flying cue and whether there is an obstacle ahead."""
        if self._phase_since is None:
            self._phase_since = t
        if metrics is not None:
            self._take_metrics(metrics)
        self._mono_missing = 0 if mono is not None and mono.distance_m is not None else self._mono_missing + 1
        switch = self._follow_cues(t, stereo)
        mono_ahead = self._mono_ahead(mono)
        stereo_ahead = None if stereo is None else self._ahead(stereo.distance_m, stereo.profile_m)
        if self.phase is Phase.STEREO:
            decision = self._stereo_decision(t, stereo, stereo_ahead)
        elif self.phase is Phase.SAFE:
            camera_up = stereo is not None  # the images arrive: looking elsewhere may find texture
            decision = Decision(t, Phase.SAFE, None, False, None, None, self.avoid_distance_m, camera_up=camera_up)
        else:
            decision = self._mono_decision(t, stereo, mono, mono_ahead, stereo_ahead)
        if decision.override_event is not None:
            self._count_override(decision.override_event)
        stereo_m = None if stereo_ahead is None else nearest(stereo_ahead)
        return replace(decision, switch=switch, mono_ahead_m=nearest(mono_ahead), stereo_ahead_m=stereo_m)

    def _mono_ahead(self, mono: MonoReading | None) -> tuple[float | None, float | None]:
        """(mono's decision distance: the median of its last `mono_smoothing_frames`, None while blind; its corridor
        this frame). A blind frame (no central distance) starts the median afresh: it is not averaged over."""
        profile = mono.profile_m if mono is not None else None
        d, corridor = self._ahead(mono.distance_m if mono is not None else None, profile)
        if d is None:
            self._mono_recent.clear()
            return None, corridor
        self._mono_recent.append(d)
        return float(np.median(self._mono_recent)), corridor

    @property
    def mono_usable(self) -> bool:
        return self._mono_missing < self.config.mono_lost_after

    def _take_metrics(self, m: ValidationMetrics) -> None:
        key = (m.t, m.learning_round)
        if key == self._metrics_key:
            return
        self._metrics_key = key
        self._latest_round = max(self._latest_round, m.learning_round)
        self._follow_threshold(m)
        if not self.strategy.learns_trust:
            return
        if not self.mono_trusted:
            reason = switch_reason(m, self.config) if m.learning_round > self._distrust_round else None
            if reason is not None:
                self.mono_trusted, self._trust_reason = True, reason
        else:
            reason = fallback_reason(m, self.config)
            self._degraded_windows = self._degraded_windows + 1 if reason is not None else 0
            if reason is not None and self._degraded_windows >= self.config.fallback_confirmations:
                self._distrust(reason)

    def _follow_threshold(self, m: ValidationMetrics) -> None:
        """Mono's obstacle threshold and clear level follow each validated window, down only while mono flies.

        A window flown on mono is biased one way: the drone turns where mono says "obstacle", so the obstacles
        stereo labels are mostly those mono missed, and the TPR rule would re-choose an ever higher threshold
        (more false alarms, more turning, fewer approaches: a ratchet). A lower choice is made despite that bias,
        so it is taken. What a rise answers, a miss, is counted without that bias by the training wheels: each
        override raises the threshold half-way to the distance mono read (`_count_override`), and too many hand
        the drone back to stereo, where the threshold follows the windows both ways.
        """
        if not math.isfinite(m.threshold_m):
            return
        rule = self.config.threshold_on_mono
        lower = m.threshold_m < self.mono_threshold_m
        if self.phase is Phase.STEREO or rule == "both" or (rule == "down" and lower):
            self.mono_threshold_m = m.threshold_m
        if math.isfinite(m.clear_m):
            self.mono_clear_m = max(m.clear_m, self.mono_threshold_m)

    def _distrust(self, reason: str) -> None:
        self.mono_trusted = False
        self._distrust_reason = reason
        self._distrust_round = self._latest_round
        self._degraded_windows = 0
        self._override_times.clear()

    def _count_override(self, event: OverrideEvent) -> None:
        """A miss raises mono's threshold (rule "down") half-way to what mono read; too many overrides in the window
        also mean mono has degraded (a new room, before the metrics say so)."""
        missed = event.mono_distance_m
        if self.config.threshold_on_mono == "down" and missed is not None and missed > self.mono_threshold_m:
            self.mono_threshold_m = (self.mono_threshold_m + missed) / 2
            self.mono_clear_m = None if self.mono_clear_m is None else max(self.mono_clear_m, self.mono_threshold_m)
        times, c = self._override_times, self.config
        times.append(event.t)
        while times and times[0] < event.t - c.fallback_window_s:
            times.popleft()
        if self.strategy.learns_trust and c.fallback_overrides and len(times) >= c.fallback_overrides:
            self._distrust(f"{len(times)} training-wheel overrides in {c.fallback_window_s:g} s")

    def _follow_cues(self, t: float, stereo: StereoReading | None) -> PhaseSwitch | None:
        """Move to the phase the cues and trust call for; the switch event, or None."""
        stereo_up = stereo is not None and stereo.available
        mono_ok = self.mono_trusted and self.mono_usable
        up_target, down_target = (Phase.MONO, Phase.MONO_ONLY) if mono_ok else (Phase.STEREO, Phase.SAFE)
        target = up_target if stereo_up else down_target
        if target is self.phase:
            return None
        assert self._phase_since is not None
        if {target, self.phase} == _TRADED and self.mono_usable and t - self._phase_since < self.config.min_dwell_s:
            return None  # a trust change waits out the dwell time; a mono that gives no readings does not
        switch = PhaseSwitch(t, self.phase, target, self._reason(target, stereo))
        self.phase, self._phase_since = target, t
        self.wheels.reset()
        return switch

    def _reason(self, target: Phase, stereo: StereoReading | None) -> str:
        if target is Phase.MONO:
            return self._trust_reason if self.phase is Phase.STEREO else "stereo back"
        if not self.mono_usable:
            mono_state = f"mono gave no reading for {self._mono_missing} frames"
        else:
            mono_state = self._distrust_reason or "mono not validated"
        if target is Phase.STEREO:
            return mono_state if self.phase is not Phase.SAFE else "stereo back"
        lost = "no right image" if stereo is None else "stereo unavailable"
        if target is Phase.MONO_ONLY:
            return lost
        return f"{lost}; {mono_state}" if self.phase is not Phase.MONO_ONLY else mono_state

    def _ahead(self, distance_m: float | None, profile_m: np.ndarray | None) -> tuple[float | None, float | None]:
        """(the distance a decision uses, the nearest obstacle in the body's path): see `corridor.ahead`."""
        return ahead(distance_m, profile_m, self.hfov_deg, self.config.corridor_half_width_m)

    def nearest_ahead(self, distance_m: float | None, profile_m: np.ndarray | None) -> float | None:
        """The distance this arbiter's obstacle decision compares with a cue's threshold (None: nothing known):
        the learner validates mono on exactly this, so what is validated is what flies."""
        return nearest_ahead(distance_m, profile_m, self.hfov_deg, self.config.corridor_half_width_m)

    def _stereo_decision(
        self, t: float, stereo: StereoReading | None, ahead: tuple[float | None, float | None] | None
    ) -> Decision:
        assert stereo is not None and ahead is not None  # STEREO is only chosen with stereo up
        d, corridor = ahead
        obstacle = _below(self.avoid_distance_m, d, corridor)
        return Decision(
            t, Phase.STEREO, "stereo", obstacle, d, stereo.profile_m, self.avoid_distance_m, clear_m=self.stereo_clear_m
        )

    def _mono_decision(
        self,
        t: float,
        stereo: StereoReading | None,
        mono: MonoReading | None,
        ahead: tuple[float | None, float | None],
        stereo_ahead: tuple[float | None, float | None] | None,
    ) -> Decision:
        profile = mono.profile_m if mono is not None else None
        d, corridor = ahead
        obstacle = _below(self.mono_threshold_m, d if d is not None else corridor)
        clear = self.mono_clear_m
        if self.phase is Phase.MONO_ONLY or not self.strategy.training_wheels:
            return Decision(t, self.phase, "mono", obstacle, d, profile, self.mono_threshold_m, clear_m=clear)
        assert stereo is not None and stereo_ahead is not None  # MONO is only chosen with stereo up
        stereo_d = stereo_ahead[0]
        stereo_nearest = nearest(stereo_ahead)
        event = self.wheels.update(t, stereo_nearest, d, obstacle, self.mono_threshold_m)
        counter = self.wheels.counter
        if self.wheels.latched:
            return Decision(
                t,
                Phase.MONO,
                "stereo",
                True,
                stereo_d,
                stereo.profile_m,
                self.avoid_distance_m,
                override=True,
                override_event=event,
                wheels_counter=event.counter if event else counter,
                clear_m=self.stereo_clear_m,
            )
        return Decision(
            t, Phase.MONO, "mono", obstacle, d, profile, self.mono_threshold_m, wheels_counter=counter, clear_m=clear
        )


def _below(threshold_m: float, *distances: float | None) -> bool:
    """True when any known distance is under the threshold."""
    return any(d is not None and d < threshold_m for d in distances)
