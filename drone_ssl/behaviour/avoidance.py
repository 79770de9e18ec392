"""`AvoidanceBehaviour`: fly straight; on an obstacle stop, yaw until clear, turn a bit further; no cue: land."""

from __future__ import annotations

import enum
import math

import numpy as np

from drone_ssl.arbiter.decision import Decision
from drone_ssl.arbiter.phases import Phase
from drone_ssl.behaviour.action import Action
from drone_ssl.behaviour.loops import SpeedLoop
from drone_ssl.behaviour.turns import CLOCKWISE, YawTracker, freer_side
from drone_ssl.config.flight import BehaviourConfig
from drone_ssl.types import Command, DroneState


class Mode(str, enum.Enum):
    CRUISE = "cruise"  # straight ahead at the cruise speed and altitude ("hold" while the cue is blind)
    STOP = "stop"  # hover until slow
    TURN = "turn"  # yaw until the cue reads clear
    EXTRA_TURN = "extra_turn"  # the further turn: random 1-3 rad (paper) or a margin (freer side)
    HOVER = "hover"  # no trusted cue: hover for a while
    SEARCH = "search"  # no trusted cue but the stereo images arrive: yaw in place looking for texture
    LAND = "land"  # no trusted cue for too long: land (final)
    BOXED_IN = "boxed_in"  # a full turn found no way out: land (final)


class AvoidanceBehaviour:
    """The paper's obstacle avoidance on the arbiter's decisions, one `step` per frame.

    `turn_mode` "paper": always clockwise, then a further uniform random turn in [paper_extra_min_rad,
    paper_extra_max_rad]. "freer_side": toward the side whose third of the view has the farther nearest obstacle
    (the decision's profile at the moment of stopping), then `freer_extra_rad` more; a stop within `keep_side_s`
    of the last manoeuvre keeps its side, so a corner does not make it swing back and forth. "Clear" means the
    cue reads at least its clear level (`Decision.clear_m`; after a full turn: merely no obstacle);
    still not clear after `max_turn_rad` it is boxed in and asks to land. Cruising without moving for `stall_s`
    (held by something the cues missed) starts the manoeuvre too. Randomness only from `rng`.
    While the flying cue is blind the drone hovers in place, and after `blind_turn_frames` it turns in place as
    if for an obstacle (a texture-less view stays blind until the drone looks elsewhere); in SAFE it hovers, then,
    while the stereo images still arrive, yaws in place up to `safe_search_rad` for a view stereo can match, then
    asks to land; a landing once asked for is never taken back.
    """

    def __init__(self, config: BehaviourConfig, rng: np.random.Generator) -> None:
        self.config = config
        self.rng = rng
        self.mode = Mode.CRUISE
        self.speed = SpeedLoop(config)
        self.yaw = YawTracker()
        self._since = -math.inf  # when the current mode began
        self._last_t: float | None = None
        self._direction = CLOCKWISE
        self._clear = 0  # consecutive clear decisions while turning
        self._extra_rad = 0.0
        self._blind = 0  # consecutive blind frames while cruising
        self._stalled_s = 0.0  # time cruising without moving
        self._stall = False  # the current manoeuvre answers a stall

    def step(self, t: float, decision: Decision, state: DroneState) -> Action:
        """The action for this frame, given the arbiter's decision and the drone's navdata."""
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        if self.mode in (Mode.LAND, Mode.BOXED_IN):
            return self._act(Command.hover(), land=True)
        if decision.phase is Phase.SAFE:
            return self._safe(t, decision, state, dt)
        if self.mode in (Mode.HOVER, Mode.SEARCH):  # a trusted cue is back before the landing was asked for
            self._enter(Mode.CRUISE, t)
        if self.mode is Mode.CRUISE:
            return self._cruise(t, decision, state, dt)
        if self.mode is Mode.STOP:
            return self._stop(t, decision, state, dt)
        return self._turn(t, decision, state, dt)

    def _act(self, command: Command, land: bool = False, state: str | None = None) -> Action:
        return Action(command, land, state or self.mode.value)

    def _enter(self, mode: Mode, t: float) -> None:
        self.mode, self._since, self._blind, self._stalled_s = mode, t, 0, 0.0
        if mode is Mode.CRUISE:
            self.speed.reset()

    def _safe(self, t: float, decision: Decision, state: DroneState, dt: float) -> Action:
        """Hover; if stereo only lacks texture (its images still arrive), then yaw in place up to
        `safe_search_rad` looking for a view it can match; land when that finds nothing or the camera is gone."""
        c = self.config
        if self.mode not in (Mode.HOVER, Mode.SEARCH):
            self._enter(Mode.HOVER, t)
        if self.mode is Mode.HOVER and t - self._since >= c.safe_hover_s:
            if not decision.camera_up or c.safe_search_rad <= 0:
                self._enter(Mode.LAND, t)
                return self._act(Command.hover(), land=True)
            self._enter(Mode.SEARCH, t)
            self.speed.reset()
            self.yaw.start(state.yaw, self._direction)
        if self.mode is Mode.SEARCH:
            if not decision.camera_up or self.yaw.update(state.yaw) >= c.safe_search_rad:
                self._enter(Mode.LAND, t)
                return self._act(Command.hover(), land=True)
            return self._act(self.speed.command(state, dt, 0.0, self._direction * c.turn_rate))
        return self._act(Command.hover())

    def _cruise(self, t: float, decision: Decision, state: DroneState, dt: float) -> Action:
        c = self.config
        self._blind = self._blind + 1 if decision.blind and not decision.obstacle else 0
        self._stalled_s = self._stalled_s + dt if not self._blind and state.velocity[0] < c.stall_speed_mps else 0.0
        self._stall = self._stalled_s >= c.stall_s
        if decision.obstacle or self._blind >= c.blind_turn_frames or self._stall:
            if self.config.turn_mode == "paper":
                self._direction = CLOCKWISE
            elif t - self._since >= self.config.keep_side_s:  # else keep the last side: no dithering in corners
                self._direction = freer_side(decision.profile_m, self.rng)
            self._enter(Mode.STOP, t)
            return self._stop(t, decision, state, dt)
        if self._blind:
            self.speed.reset()
            return self._act(Command.hover(), state="hold")
        return self._act(self.speed.command(state, dt, self.config.cruise_speed_mps, 0.0))

    def _stop(self, t: float, decision: Decision, state: DroneState, dt: float) -> Action:
        forward, right, _ = state.velocity
        slow = math.hypot(forward, right) < self.config.stop_speed_mps
        if not slow and t - self._since < self.config.stop_timeout_s:
            return self._act(Command.hover())
        self._enter(Mode.TURN, t)
        self.speed.reset()
        self.yaw.start(state.yaw, self._direction)
        self._clear = 0
        return self._turn(t, decision, state, dt)

    def _turn(self, t: float, decision: Decision, state: DroneState, dt: float) -> Action:
        c = self.config
        turned = self.yaw.update(state.yaw)
        if self.mode is Mode.TURN:
            # After a full turn without a clear view, plain "no obstacle" will do (a cautious threshold in a small
            # room may leave no heading with the margin).
            margin = c.clear_margin_m if turned < 2 * math.pi else None
            self._clear = self._clear + 1 if _clear(decision, margin) else 0
            if self._clear >= c.clear_frames:
                self._extra_rad = (
                    self.rng.uniform(c.paper_extra_min_rad, c.paper_extra_max_rad)
                    if c.turn_mode == "paper"
                    else c.freer_extra_rad
                )
                if self._stall:  # the cues never saw what holds the drone: turn well away from it
                    self._extra_rad = max(self._extra_rad, c.stall_turn_rad)
                self._enter(Mode.EXTRA_TURN, t)
                self.yaw.start(state.yaw, self._direction)
                turned = 0.0
            elif turned >= c.max_turn_rad:
                self._enter(Mode.BOXED_IN, t)
                return self._act(Command.hover(), land=True)
        if self.mode is Mode.EXTRA_TURN and turned >= self._extra_rad:
            self._enter(Mode.CRUISE, t)
            return self._cruise(t, decision, state, dt)
        return self._act(self.speed.command(state, dt, 0.0, self._direction * c.turn_rate))


def _clear(decision: Decision, margin_m: float | None) -> bool:
    """The flying cue sees free space ahead with a margin, so the turn does not end on the obstacle's edge: its
    clear level (`Decision.clear_m`: stereo's threshold + `clear_margin_m`, or that level carried into mono's own
    scale by the validated window; without one, the threshold + `margin_m`) or, `margin_m` None, merely no
    obstacle."""
    if decision.obstacle or decision.distance_m is None:
        return False
    if margin_m is None:
        level = decision.threshold_m
    else:
        level = decision.clear_m if decision.clear_m is not None else decision.threshold_m + margin_m
    return decision.distance_m >= level
