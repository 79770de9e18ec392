"""Safety decisions of the bridge, pure and testable: link silence, a drone down, battery, altitude, flight time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from drone_ssl.flight_watch import down_reason
from drone_ssl.types import Command, DroneState
from drone_ssl_bridge.config import BridgeConfig


class Action(Enum):
    FLY = "fly"  # fly the pilot's command
    HOVER = "hover"  # navdata is late: hold position until it returns
    LAND = "land"  # a limit was passed: land; the flight is over
    LINK_LOST = "link_lost"  # navdata silent too long: land, the flight is over
    DOWN = "down"  # it should fly but does not (emergency, its own landing): stop asking to fly, the flight is over


@dataclass(frozen=True)
class Verdict:
    action: Action
    reason: str = ""


@dataclass(frozen=True)
class SafetyLimits:
    hover_after_s: float
    lost_after_s: float
    min_battery_pct: float
    max_altitude_m: float
    altitude_margin_m: float
    max_flight_s: float

    @classmethod
    def from_config(cls, bridge: BridgeConfig) -> SafetyLimits:
        return cls(
            bridge.navdata_hover_s,
            bridge.navdata_lost_s,
            bridge.min_battery_pct,
            bridge.max_altitude_m,
            bridge.altitude_margin_m,
            bridge.max_flight_s,
        )


def assess(
    limits: SafetyLimits,
    navdata_age_s: float,
    state: DroneState | None,
    airborne_s: float | None,
    should_fly: bool = False,
) -> Verdict:
    """What the command loop must do now; `airborne_s` is None while the drone is on the ground; `should_fly`:
    the flight's take-off finished and nobody asked to land, so a drone that does not fly is down."""
    if navdata_age_s > limits.lost_after_s:
        return Verdict(Action.LINK_LOST, f"no navdata for {navdata_age_s:.1f} s (limit {limits.lost_after_s:g} s)")
    if navdata_age_s > limits.hover_after_s:
        return Verdict(Action.HOVER, f"navdata {navdata_age_s:.2f} s old")
    if state is None:
        return Verdict(Action.FLY)
    down = down_reason(state) if should_fly else None
    if down is not None:
        return Verdict(Action.DOWN, down)
    if airborne_s is None:
        return Verdict(Action.FLY)
    if state.battery < limits.min_battery_pct:
        return Verdict(Action.LAND, f"battery {state.battery:.0f}% is under {limits.min_battery_pct:g}%")
    if state.altitude > limits.max_altitude_m + limits.altitude_margin_m:
        return Verdict(
            Action.LAND,
            f"altitude {state.altitude:.2f} m is over the {limits.max_altitude_m:g} m limit "
            f"+ {limits.altitude_margin_m:g} m margin",
        )
    if airborne_s > limits.max_flight_s:
        return Verdict(Action.LAND, f"flight time {airborne_s:.0f} s is over the {limits.max_flight_s:g} s limit")
    return Verdict(Action.FLY)


def limit_command(command: Command, state: DroneState | None, limits: SafetyLimits) -> Command:
    """No climbing at or above the altitude limit; everything else passes unchanged."""
    if state is not None and state.altitude >= limits.max_altitude_m and command.gaz > 0:
        return Command(command.roll, command.pitch, 0.0, command.yaw)
    return command
