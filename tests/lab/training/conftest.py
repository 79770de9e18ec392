"""The synthetic walls the mono tests learn from (lab.data.synthetic_walls), as a fixture."""

from __future__ import annotations

import pytest

from drone_ssl_lab.data.synthetic_walls import wall_set


@pytest.fixture(scope="session")
def walls():
    return wall_set
