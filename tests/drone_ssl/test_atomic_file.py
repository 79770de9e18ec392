"""write_atomically: a file is whole or absent, whatever fails (a full disk, a read-only folder, the writer); a
real full disk is in tests/scripts/test_fly_faults.py."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import drone_ssl.atomic_file as atomic_file
from drone_ssl.atomic_file import write_atomically, write_text_atomically
from drone_ssl.errors import SaveError


def no_space(*args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_write_that_fails_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    write_text_atomically(path, "first\n")

    def fails_half_way(f) -> None:
        f.write(b"half")
        no_space()

    with pytest.raises(SaveError, match="summary.json: No space left on device; check the folder"):
        write_atomically(path, fails_half_way)
    assert path.read_text() == "first\n" and sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]
    with pytest.raises(ValueError):  # not a disk problem: raised as it is, and still nothing half-written
        write_atomically(path, lambda f: (_ for _ in ()).throw(ValueError("a bug")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_a_full_disk_at_the_flush_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic_file.os, "fsync", no_space)
    with pytest.raises(SaveError, match="No space left on device"):
        write_text_atomically(tmp_path / "config.yaml", "sim: {}\n")
    assert list(tmp_path.iterdir()) == []


def test_the_file_gets_the_mode_a_plain_open_would_give_it(tmp_path: Path) -> None:
    write_text_atomically(tmp_path / "a.txt", "x")
    with open(tmp_path / "b.txt", "w") as f:
        f.write("x")
    assert os.stat(tmp_path / "a.txt").st_mode == os.stat(tmp_path / "b.txt").st_mode


def test_a_folder_in_the_way_is_a_save_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(SaveError, match="afile/m.pt"):
        write_text_atomically(tmp_path / "afile" / "m.pt", "x")
