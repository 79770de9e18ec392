"""The pure decision whether a drone that should fly still does: emergency, its own landing, on the ground."""

import pytest

from drone_ssl.errors import DroneDownError
from drone_ssl.flight_watch import check_flying, down_reason
from drone_ssl.types import DroneState


def state(flying=True, emergency=False, landing=False, altitude=1.0):
    return DroneState(None, (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), altitude, 80.0, flying, True, emergency, landing)


def test_a_flying_drone_is_not_down():
    assert down_reason(state()) is None
    check_flying(state())


def test_an_emergency_is_named_first_even_while_still_falling():
    assert "emergency" in down_reason(state(emergency=True))
    assert "emergency" in down_reason(state(flying=False, emergency=True, altitude=0.0))


def test_its_own_landing_and_the_floor_are_each_named():
    assert "landing without being asked" in down_reason(state(landing=True, altitude=0.4))
    assert "no longer flying (altitude 0.00 m)" in down_reason(state(flying=False, altitude=0.0))


def test_check_flying_raises_the_typed_error_with_its_reason():
    with pytest.raises(DroneDownError, match="stopped flying by itself: the drone reports an emergency") as info:
        check_flying(state(emergency=True))
    assert info.value.reason == "the drone reports an emergency (motors cut)"
