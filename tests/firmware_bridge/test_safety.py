"""The pure safety verdicts: navdata age, a drone down, battery, altitude and flight time."""

from drone_ssl.types import Command, DroneState
from drone_ssl_bridge.config import BridgeConfig
from drone_ssl_bridge.safety import Action, SafetyLimits, assess, limit_command

LIMITS = SafetyLimits.from_config(
    BridgeConfig(min_battery_pct=20, max_altitude_m=2.0, altitude_margin_m=0.5, max_flight_s=60)
)


def state(altitude=1.0, battery=80.0, flying=True, emergency=False, landing=False):
    return DroneState(None, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), altitude, battery, flying, True, emergency, landing)


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


def test_a_drone_that_should_fly_but_does_not_is_down():
    """The emergency flag, its own landing, or the floor: DOWN, but only once it should be flying."""
    for down in (state(emergency=True), state(landing=True), state(altitude=0.0, flying=False)):
        verdict = assess(LIMITS, 0.0, down, 5.0, should_fly=True)
        assert verdict.action is Action.DOWN and verdict.reason
        assert assess(LIMITS, 0.0, down, 5.0).action is not Action.DOWN  # landing on request, or before take-off
    assert assess(LIMITS, 0.0, state(), 5.0, should_fly=True).action is Action.FLY
    assert assess(LIMITS, 0.0, state(emergency=True, flying=False), None, should_fly=True).action is Action.DOWN


def test_late_navdata_is_no_evidence_of_a_drone_down():
    assert assess(LIMITS, 0.6, state(emergency=True), 5.0, should_fly=True).action is Action.HOVER
    assert assess(LIMITS, 0.0, state(emergency=True, battery=5), 5.0, should_fly=True).action is Action.DOWN
