"""The avoidance behaviour on scripted decisions: cruise, stop, turn toward the freer side, the paper's extra turn,
hover-then-land without a trusted cue (after looking around in place when only texture is missing)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from drone_ssl.arbiter import Decision, Phase
from drone_ssl.behaviour import Action, AvoidanceBehaviour
from drone_ssl.config.flight import BehaviourConfig
from drone_ssl.types import DroneState

DT = 0.1
YAW_RATE = math.radians(100.0)  # rad/s at a full yaw command, as the simulated drone's default
LEFT_BLOCKED = [0.5, 0.5, 0.6, 0.6, 3.0, 3.0, 3.0, 3.0, 3.0]
RIGHT_BLOCKED = LEFT_BLOCKED[::-1]


def state(forward: float = 0.0, right: float = 0.0, yaw: float = 0.0, altitude: float = 1.0) -> DroneState:
    return DroneState(None, (forward, right, 0.0), (0.0, 0.0, yaw), altitude, 90.0, True)


def decision(
    t: float, obstacle: bool = False, distance: float | None = 3.0, profile: list[float] | None = None, **kw: object
) -> Decision:
    phase = kw.pop("phase", Phase.STEREO)
    cue = None if phase is Phase.SAFE else "stereo"
    bands = None if profile is None else np.asarray(profile, np.float32)
    return Decision(t, phase, cue, obstacle, distance, bands, 1.2, **kw)


class Flight:
    """A minimal stand-in for the drone: speed grows when pitched forward (unless `blocked`) and fades while
    hovering; yaw follows the yaw command."""

    def __init__(self, behaviour: AvoidanceBehaviour, forward: float = 0.5) -> None:
        self.b, self.t, self.forward, self.yaw = behaviour, 0.0, forward, 0.0
        self.blocked = False
        self.actions: list[Action] = []

    def step(self, d: Decision) -> Action:
        a = self.b.step(self.t, d, state(self.forward, yaw=self.yaw))
        if a.command.is_hover:
            self.forward *= 0.6
        elif a.command.pitch < 0:
            self.forward = 0.0 if self.blocked else min(0.5, self.forward + 0.1)
        self.yaw = (self.yaw + a.command.yaw * YAW_RATE * DT + math.pi) % (2 * math.pi) - math.pi
        self.t = round(self.t + DT, 6)
        self.actions.append(a)
        return a

    def until(self, wanted: str, make: object, limit: int = 400) -> Action:
        for _ in range(limit):
            a = self.step(make(self.t))
            if a.state == wanted:
                return a
        raise AssertionError(f"never reached {wanted}; states: {[x.state for x in self.actions[-10:]]}")


def behaviour(seed: int = 0, **changes: object) -> AvoidanceBehaviour:
    return AvoidanceBehaviour(dataclasses.replace(BehaviourConfig(), **changes), np.random.default_rng(seed))


def test_cruise_flies_forward_at_altitude_and_brakes_overspeed() -> None:
    b = behaviour()
    slow_low = b.step(0.0, decision(0.0), state(forward=0.0, altitude=0.6))
    assert slow_low.state == "cruise" and not slow_low.land
    assert slow_low.command.pitch < 0 and slow_low.command.gaz > 0 and slow_low.command.yaw == 0
    fast_high = b.step(0.1, decision(0.1), state(forward=1.5, altitude=1.4))
    assert fast_high.command.pitch > 0 and fast_high.command.gaz < 0
    on_target = b.step(0.2, decision(0.2), state(forward=0.5, altitude=1.02))
    assert on_target.command.gaz == 0.0  # inside the deadband the drone's own altitude hold works
    drifting = b.step(0.3, decision(0.3), state(forward=0.5, right=0.3))
    assert drifting.command.roll < 0


def test_a_blind_cue_holds_position_instead_of_flying_ahead() -> None:
    b = behaviour()
    a = b.step(0.0, decision(0.0, distance=None), state(forward=0.5))
    assert a.state == "hold" and a.command.is_hover
    assert b.step(0.1, decision(0.1), state(forward=0.1)).state == "cruise"


def test_obstacle_stop_until_slow_then_turn_toward_the_freer_side_until_clear() -> None:
    f = Flight(behaviour())
    stop = f.step(decision(0.0, obstacle=True, distance=0.9, profile=LEFT_BLOCKED))
    assert stop.state == "stop" and stop.command.is_hover
    turn = f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=LEFT_BLOCKED))
    assert f.forward < 0.1  # it stopped first
    assert turn.command.yaw > 0  # clockwise = toward the right, the freer side
    for _ in range(5):
        assert f.step(decision(f.t, obstacle=True, distance=0.9, profile=RIGHT_BLOCKED)).state == "turn"
    assert f.yaw > 0  # it kept its side although the view changed
    f.step(decision(f.t))
    extra = f.step(decision(f.t))  # the second clear frame ends "yaw until clear"
    assert extra.state == "extra_turn"
    f.until("cruise", lambda t: decision(t))
    assert f.actions[-1].command.pitch < 0 and f.actions[-1].command.yaw == 0


@pytest.mark.parametrize(("profile", "sign"), [(LEFT_BLOCKED, 1), (RIGHT_BLOCKED, -1)])
def test_the_turn_goes_the_freer_way(profile: list[float], sign: int) -> None:
    f = Flight(behaviour(), forward=0.0)
    a = f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=profile))
    assert math.copysign(1, a.command.yaw) == sign


def test_the_freer_side_counts_unknown_as_blocked_and_tosses_a_coin_without_a_profile() -> None:
    unknown_right = [3.0, 3.0, 3.0, 2.0, 2.0, 2.0, np.nan, np.nan, np.nan]
    f = Flight(behaviour(), forward=0.0)
    assert f.until("turn", lambda t: decision(t, obstacle=True, profile=unknown_right)).command.yaw < 0
    sides = set()
    for seed in range(12):
        f = Flight(behaviour(seed), forward=0.0)
        sides.add(np.sign(f.until("turn", lambda t: decision(t, obstacle=True, profile=None)).command.yaw))
    assert sides == {-1.0, 1.0}


def turned_after_clear(seed: int, **changes: object) -> tuple[float, float]:
    """(yaw turned from the clear moment to cruising again, yaw command sign) in a scripted manoeuvre."""
    f = Flight(behaviour(seed, **changes), forward=0.0)
    f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=RIGHT_BLOCKED))
    sign = np.sign(f.actions[-1].command.yaw)
    for _ in range(3):
        f.step(decision(f.t, obstacle=True, distance=0.9, profile=RIGHT_BLOCKED))
    f.step(decision(f.t))
    f.step(decision(f.t))
    assert f.actions[-1].state == "extra_turn"
    start = f.yaw - f.actions[-1].command.yaw * YAW_RATE * DT  # the yaw when the extra turn began
    f.until("cruise", lambda t: decision(t))
    turned = (f.yaw - start) * sign
    return float(turned % (2 * math.pi)), float(sign)


def test_paper_mode_turns_clockwise_then_a_further_random_one_to_three_radians() -> None:
    step = 0.5 * YAW_RATE * DT  # yaw per frame at the default turn rate: the overshoot a frame can add
    extras = []
    for seed in range(8):
        turned, sign = turned_after_clear(seed, turn_mode="paper")
        assert sign == 1  # clockwise, even with the right side blocked
        assert 1.0 - 1e-6 <= turned <= 3.0 + step + 1e-6
        extras.append(turned)
    assert max(extras) - min(extras) > 0.3  # random, not a fixed angle
    assert turned_after_clear(3, turn_mode="paper") == turned_after_clear(3, turn_mode="paper")  # seeded


def test_freer_side_mode_turns_a_fixed_margin_past_clear() -> None:
    turned, sign = turned_after_clear(0)
    assert sign == -1  # the right is blocked: anticlockwise
    assert BehaviourConfig().freer_extra_rad <= turned <= BehaviourConfig().freer_extra_rad + 0.5 * YAW_RATE * DT


def test_no_trusted_cue_hover_then_land_and_never_take_it_back() -> None:
    f = Flight(behaviour(), forward=0.4)
    safe = lambda t: decision(t, distance=None, phase=Phase.SAFE)  # noqa: E731
    first = f.step(safe(f.t))
    assert first.state == "hover" and first.command.is_hover and not first.land
    land = f.until("land", safe)
    assert land.land and land.command.is_hover
    assert f.t == pytest.approx(BehaviourConfig().safe_hover_s + DT)
    back = f.step(decision(f.t))  # a cue returns too late: the landing stands
    assert back.land and back.state == "land"


def test_a_texture_less_view_turns_in_place_looking_for_texture_then_lands() -> None:
    f = Flight(behaviour(), forward=0.0)
    safe = lambda t: decision(t, distance=None, phase=Phase.SAFE, camera_up=True)  # noqa: E731
    search = f.until("search", safe)
    assert f.t == pytest.approx(BehaviourConfig().safe_hover_s + DT) and not search.land
    assert search.command.yaw != 0 and search.command.pitch == 0 and search.command.roll == 0  # in place
    land = f.until("land", safe)
    turned = sum(abs(a.command.yaw) * YAW_RATE * DT for a in f.actions if a.state == "search")
    assert land.land and BehaviourConfig().safe_search_rad <= turned < BehaviourConfig().safe_search_rad + 0.2


def test_stereo_back_during_the_search_resumes_flight() -> None:
    f = Flight(behaviour(), forward=0.0)
    f.until("search", lambda t: decision(t, distance=None, phase=Phase.SAFE, camera_up=True))
    a = f.step(decision(f.t))
    assert a.state == "cruise" and not a.land


def test_a_cue_back_within_the_hover_time_resumes_flight() -> None:
    f = Flight(behaviour(), forward=0.0)
    for _ in range(5):
        assert not f.step(decision(f.t, distance=None, phase=Phase.SAFE)).land
    a = f.step(decision(f.t))
    assert a.state == "cruise" and not a.land


def test_boxed_in_after_a_full_turn_without_clearing_lands() -> None:
    f = Flight(behaviour(), forward=0.0)
    a = f.until("boxed_in", lambda t: decision(t, obstacle=True, distance=0.5, profile=LEFT_BLOCKED))
    assert a.land
    assert len(f.actions) * 0.5 * YAW_RATE * DT >= BehaviourConfig().max_turn_rad


def test_braking_that_never_settles_still_turns_after_the_timeout() -> None:
    b = behaviour()
    states = [b.step(t * DT, decision(t * DT, obstacle=True), state(forward=0.5)).state for t in range(40)]
    timeout_frames = round(BehaviourConfig().stop_timeout_s / DT)
    assert states[:timeout_frames] == ["stop"] * timeout_frames and states[timeout_frames] == "turn"


def test_a_view_that_stays_blind_is_turned_away_from_in_place() -> None:
    f = Flight(behaviour(), forward=0.0)
    blind = lambda t: decision(t, distance=None)  # noqa: E731
    frames = BehaviourConfig().blind_turn_frames
    states = [f.step(blind(f.t)).state for _ in range(frames)]
    assert states == ["hold"] * (frames - 1) + ["turn"]  # already slow: the stop is over at once
    assert f.step(blind(f.t)).state == "turn"  # a blind frame is not "clear"


def test_clear_needs_a_margin_beyond_the_obstacle_threshold() -> None:
    f = Flight(behaviour(), forward=0.0)
    f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=LEFT_BLOCKED))
    barely = 1.2 + BehaviourConfig().clear_margin_m - 0.05  # no longer an obstacle, not yet clear
    assert all(f.step(decision(f.t, distance=barely)).state == "turn" for _ in range(10))
    f.step(decision(f.t, distance=2.0))
    assert f.step(decision(f.t, distance=2.0)).state == "extra_turn"


def test_a_stop_soon_after_a_manoeuvre_keeps_turning_the_same_way() -> None:
    f = Flight(behaviour(), forward=0.0)
    first = f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=LEFT_BLOCKED))
    f.until("cruise", lambda t: decision(t))
    # Right away the other side looks freer (a corner): it does not swing back.
    again = f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=RIGHT_BLOCKED))
    assert np.sign(again.command.yaw) == np.sign(first.command.yaw) == 1
    f.until("cruise", lambda t: decision(t))
    for _ in range(round(BehaviourConfig().keep_side_s / DT)):
        f.step(decision(f.t))
    later = f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=RIGHT_BLOCKED))
    assert later.command.yaw < 0  # after cruising a while the freer side is chosen afresh


def test_after_a_full_turn_without_a_clear_view_no_obstacle_is_enough() -> None:
    f = Flight(behaviour(), forward=0.0)
    f.until("turn", lambda t: decision(t, obstacle=True, distance=0.9, profile=LEFT_BLOCKED))
    near_free = lambda t: decision(t, distance=1.3)  # noqa: E731  (not an obstacle, never clear by the margin)
    f.until("extra_turn", near_free)
    turned = len(f.actions) * 0.5 * YAW_RATE * DT
    assert 2 * math.pi <= turned <= 2 * math.pi + 0.5


def test_cruising_without_moving_means_something_unseen_holds_the_drone_turn_away() -> None:
    f = Flight(behaviour(), forward=0.0)
    f.blocked = True  # e.g. a pole beside the view: the cue reads free space ahead
    stall_frames = round(BehaviourConfig().stall_s / DT)
    states = [f.step(decision(f.t)).state for _ in range(stall_frames + 1)]
    assert states[:stall_frames] == ["cruise"] * stall_frames and states[stall_frames] == "turn"
    f.blocked = False
    f.until("cruise", lambda t: decision(t))
    assert abs(f.yaw) >= BehaviourConfig().stall_turn_rad  # well away, not the small freer-side margin


def test_accelerating_from_a_standstill_is_not_a_stall() -> None:
    f = Flight(behaviour(), forward=0.0)
    assert {f.step(decision(f.t)).state for _ in range(100)} == {"cruise"}
