"""`ExperimentError`: an experiment cannot be planned, run, merged or reported as asked."""

from __future__ import annotations

from drone_ssl.errors import DroneSSLError


class ExperimentError(DroneSSLError):
    """A bad grid, a runs folder that holds another experiment, or runs that cannot be read; the message says
    what to change."""
