"""fly.py under faults of its run folder: a full disk, a second flight into the same --out, a read-only or blocked
path. Each is one line and exit 2; every file left behind is whole; a folder refused before take-off is gone."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flight_process import FLY, FlightProcess

from drone_ssl.stereo.calibration import StereoCalibration

QUICK = ["--sim", "--set", "sim.obstacles.count=2"]


def fly(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(FLY), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, where this process may mount one (root, outside most containers): a real full disk."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if not _mount(folder, "size=64k"):
        pytest.skip("mounting a small tmpfs is not permitted here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, timeout=10)


def _mount(folder: Path, options: str) -> bool:
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True,
                              timeout=10)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def fill(disk: Path, leave_bytes: int) -> None:
    """Leave about `leave_bytes` free on the tmpfs (it counts whole 4 KiB pages)."""
    (disk / "filler").write_bytes(bytes(64 * 1024 - leave_bytes))


def test_a_disk_that_fills_in_flight_lands_prints_the_summary_and_names_what_was_not_saved(tiny_disk: Path) -> None:
    out = tiny_disk / "run"
    result = fly(*QUICK, "--duration", "5", "--out", str(out))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "frames" in result.stdout and "ended_by" in result.stdout  # the summary table, though not saved
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: not saved:")]
    assert len(warnings) == 1 and "summary.json" in warnings[0] and "No space left on device" in warnings[0]
    assert "Traceback" not in result.stderr and "exit code None" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: writing flight log")
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.endswith(".partial")], names
    for name in names:  # every file whole: the log is readable up to its last chunk, the rest complete
        assert (out / name).stat().st_size > 0, name
    if (out / "summary.json").exists():
        json.loads((out / "summary.json").read_text())
    StereoCalibration.load(out / "stereo_calibration.yaml")


def test_a_disk_full_before_take_off_is_one_line_and_leaves_nothing(tiny_disk: Path) -> None:
    fill(tiny_disk, 4096)
    out = tiny_disk / "run"
    result = fly(*QUICK, "--duration", "5", "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "No space left on device" in lines[-1], result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_second_flight_into_a_flying_run_folder_is_refused(flights: list[FlightProcess], tmp_path: Path) -> None:
    out = tmp_path / "run"
    first = FlightProcess([*QUICK, "--seed", "1", "--duration", "600", "--out", str(out)])
    flights.append(first)
    first.wait_flying(0.5)
    second = fly(*QUICK, "--seed", "2", "--duration", "1", "--out", str(out))
    assert second.returncode == 2
    assert second.stderr.strip().splitlines()[-1].startswith(f"error: --out {out} is in use by another flight")
    first.signal(signal.SIGINT)
    assert first.wait(120) == 130
    assert "seed: 1" in (out / "config.yaml").read_text()  # the folder is the first flight's alone
    assert json.loads((out / "summary.json").read_text())["seed"] == 1


def test_a_file_in_the_out_path_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = fly(*QUICK, "--duration", "1", "--out", str(tmp_path / "afile" / "sub"))
    assert result.returncode == 2
    afile = tmp_path / "afile"
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: --out {afile / 'sub'} is inside {afile}, which is a file; choose another path"
    )
    assert "Traceback" not in result.stderr


def test_a_read_only_out_is_one_line(tmp_path: Path) -> None:
    read_only = tmp_path / "ro"
    read_only.mkdir()
    if not _mount(read_only, "ro,size=64k"):
        pytest.skip("mounting a read-only tmpfs is not permitted here")
    try:
        result = fly(*QUICK, "--duration", "1", "--out", str(read_only / "run"))
    finally:
        subprocess.run(["umount", str(read_only)], capture_output=True, timeout=10)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: --out {read_only / 'run'} cannot be created (Read-only file system); choose a writable folder"
    )
