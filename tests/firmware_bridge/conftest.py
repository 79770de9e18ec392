"""Fixtures of the bridge tests (defined in bridge_fixtures, a module name no other test folder uses)."""

from bridge_fixtures import emulator  # noqa: F401 - a fixture, found by pytest through this import
