"""Run folders: a finished run is never flown over; one that a signal or an error ended may be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import run_folder
from drone_ssl.errors import DroneSSLError


@pytest.mark.parametrize(("ended_by", "reusable"), [("SIGINT", True), ("error: DroneError: x", True),
                                                    ("done", False), (None, False)])  # fmt: skip
def test_only_an_interrupted_or_failed_run_folder_is_reused(
    tmp_path: Path, ended_by: str | None, reusable: bool
) -> None:
    out = tmp_path / "run"
    out.mkdir()
    summary = {"collisions": 0} if ended_by is None else {"ended_by": ended_by}
    (out / "summary.json").write_text(json.dumps(summary))
    if reusable:
        assert run_folder(str(out), "x") == out
    else:
        with pytest.raises(DroneSSLError, match="already holds a finished run"):
            run_folder(str(out), "x")
