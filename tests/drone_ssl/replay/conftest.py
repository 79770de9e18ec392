"""Fixtures of the replay tests in the job folders below (the log writer lives in replay_logs, a name no other test
folder uses; pytest puts this folder on sys.path, so the tests below import it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from replay_logs import write_log

from drone_ssl.arbiter import Phase


@pytest.fixture(scope="package")
def flights(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three short labelled flights (60 frames each, with depth maps): two to train on, one held out."""
    folder = tmp_path_factory.mktemp("flights")
    paths = [folder / f"flight{i}.mcap" for i in range(3)]
    for seed, path in enumerate(paths):
        write_log(path, frames=60, seed=seed)
    return paths


@pytest.fixture(scope="package")
def mono_flight(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A flight on mono (which always said 2 m) with two training-wheel overrides and a collision."""
    path = tmp_path_factory.mktemp("mono") / "flight.mcap"
    write_log(path, frames=40, seed=5, phase=Phase.MONO, overrides_at=(10, 30), collision_at=25)
    return path
