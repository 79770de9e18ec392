"""The pure safety verdicts: navdata age, battery, altitude and flight time."""

from drone_ssl.types import Command, DroneState
from firmware_bridge.config import BridgeConfig
from firmware_bridge.safety import Action, SafetyLimits, assess, limit_command

LIMITS = SafetyLimits.from_config(
    BridgeConfig(min_battery_pct=20, max_altitude_m=2.0, altitude_margin_m=0.5, max_flight_s=60)
)


def state(altitude=1.0, battery=80.0, flying=True):
    return DroneState(None, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), altitude, battery, flying)


def test_navdata_age_hovers_then_loses_the_link():
    assert assess(LIMITS, 0.1, state(), 5.0).action is Action.FLY
    assert assess(LIMITS, 0.6, state(), 5.0).action is Action.HOVER
    verdict = assess(LIMITS, 2.5, state(), 5.0)
    assert verdict.action is Action.LINK_LOST and "2.5 s" in verdict.reason


def test_limits_land_only_when_airborne():
    assert assess(LIMITS, 0.0, state(battery=10), 5.0).action is Action.LAND
    assert assess(LIMITS, 0.0, state(battery=10, flying=False), None).action is Action.FLY
    assert assess(LIMITS, 0.0, state(altitude=2.6), 5.0).action is Action.LAND
    assert assess(LIMITS, 0.0, state(altitude=2.4), 5.0).action is Action.FLY
    assert "flight time" in assess(LIMITS, 0.0, state(), 61.0).reason


def test_no_climbing_at_the_altitude_limit():
    up = Command(roll=0.1, gaz=0.8)
    assert limit_command(up, state(altitude=2.0), LIMITS) == Command(roll=0.1, gaz=0.0)
    assert limit_command(up, state(altitude=1.0), LIMITS) == up
    assert limit_command(Command(gaz=-0.5), state(altitude=2.2), LIMITS).gaz == -0.5
