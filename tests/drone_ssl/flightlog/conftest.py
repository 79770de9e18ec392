"""The flight-log tests' fixtures, from flightlog_fixtures (a module name no other test folder uses)."""

from flightlog_fixtures import deadline, shared_flight, write_flight  # noqa: F401 - fixtures pytest finds here
