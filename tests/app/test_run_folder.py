"""Run folders: one flight's alone; a finished run is never flown over; every folder problem is one RunFolderError."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import drone_ssl_app.run_folder as run_folder_module
from drone_ssl_app.run_folder import LOCK_FILE, RunFolder, RunFolderError


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
        with RunFolder.claim(str(out), "x") as folder:
            assert folder.path == out
    else:
        with pytest.raises(RunFolderError, match="already holds a finished run"):
            RunFolder.claim(str(out), "x")
        assert (out / "summary.json").is_file()  # the finished run is kept as it was


def test_a_second_flight_is_refused_while_the_first_holds_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with RunFolder.claim(str(out), "x"):
        with pytest.raises(RunFolderError, match=r"is in use by another flight \(process \d+\)"):
            RunFolder.claim(str(out), "x")
        claim = "import sys; from app.run_folder import RunFolder; RunFolder.claim(sys.argv[1], 'x')"
        other = subprocess.run(  # another process, as a second fly.py would be
            [sys.executable, "-c", claim, str(out)], capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        )  # fmt: skip
        assert other.returncode != 0 and "is in use by another flight" in other.stderr
    with RunFolder.claim(str(out), "x"):  # the lock ended with the first claim
        pass


def test_a_file_in_the_path_is_named(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(RunFolderError, match=r"afile/sub is inside .*afile, which is a file; choose another path"):
        RunFolder.claim(str(afile / "sub"), "x")
    with pytest.raises(RunFolderError, match="exists and is not a folder"):
        RunFolder.claim(str(afile), "x")


@pytest.mark.parametrize("where", ["mkdir", "open"])
def test_a_read_only_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    if where == "mkdir":
        monkeypatch.setattr(Path, "mkdir", read_only)
        match = "cannot be created \\(Read-only file system\\); choose a writable folder"
    else:
        monkeypatch.setattr(run_folder_module.os, "open", read_only)
        match = "is not writable \\(Read-only file system\\); choose a writable folder"
    with pytest.raises(RunFolderError, match=match):
        RunFolder.claim(str(tmp_path / "run"), "x")


def test_a_flight_refused_before_take_off_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "runs" / "new"
    with pytest.raises(ValueError), RunFolder.claim(str(out), "x") as folder:
        (folder.path / "config.yaml").write_text("x")
        raise ValueError("refused")
    assert not out.exists()
    kept = tmp_path / "kept"
    with pytest.raises(ValueError), RunFolder.claim(str(kept), "x") as folder:
        folder.took_off()
        raise ValueError("the flight failed")
    assert kept.is_dir() and (kept / LOCK_FILE).is_file()


def test_a_folder_that_was_there_is_never_removed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "fly.log").write_text("the experiment runner's log")
    with pytest.raises(ValueError), RunFolder.claim(str(out), "x"):
        raise ValueError("refused")
    assert (out / "fly.log").read_text() == "the experiment runner's log"
