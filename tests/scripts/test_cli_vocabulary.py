"""One CLI vocabulary: --out a folder, --duration the flight length, old spellings noted; the drone-ssl command."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from drone_ssl_app.cli import add_duration, out_file
from drone_ssl_app.console import commands
from drone_ssl_app.console import main as console_main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_the_old_flight_length_spelling_still_works_with_a_note(capsys: pytest.CaptureFixture) -> None:
    parser = argparse.ArgumentParser()
    add_duration(parser, 30.0, "flight seconds", old="--seconds")
    assert parser.parse_args([]).duration == 30.0
    assert parser.parse_args(["--duration", "5"]).duration == 5.0
    assert capsys.readouterr().err == ""
    assert parser.parse_args(["--seconds", "7"]).duration == 7.0
    assert capsys.readouterr().err == "note: --seconds is deprecated; use --duration\n"
    assert "--seconds" not in parser.format_help()  # help shows the one word


def test_out_is_a_folder_and_an_old_file_path_still_works(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    assert out_file(tmp_path / "calib", "stereo_calibration.yaml", (".yaml",)) == tmp_path / "calib" / (
        "stereo_calibration.yaml"
    )
    assert capsys.readouterr().err == ""
    assert out_file(tmp_path / "mine.yaml", "stereo_calibration.yaml", (".yaml",)) == tmp_path / "mine.yaml"
    assert "--out takes a folder now" in capsys.readouterr().err


@pytest.mark.parametrize("suite", ["sim", "logs", "loop", "bridge"])
def test_every_benchmark_takes_duration(suite: str) -> None:
    shown = run("scripts/bench.py", suite, "--help")
    assert shown.returncode == 0 and "--duration SECONDS" in shown.stdout and "--seconds" not in shown.stdout


def test_experiment_quick_help_says_what_it_flies() -> None:
    from drone_ssl_lab.experiment import PRESETS

    shown = run("scripts/experiment.py", "--help")
    quick = PRESETS["quick"]
    assert f"--quick               {quick.seeds} rooms, {quick.duration_s:g} s flights" in shown.stdout


def test_the_console_command_lists_and_runs_every_script(capsys: pytest.CaptureFixture) -> None:
    assert console_main([]) == 2 and "train-default-model" in capsys.readouterr().out
    found = commands()
    shims = {ast_main_module(script) for script in (ROOT / "scripts").glob("*.py")}
    assert shims == {point.module for point in found.values()}, "each console command has its script shim"
    assert all(callable(point.load()) for point in found.values())
    assert console_main(["nope"]) == 2 and "unknown command 'nope'" in capsys.readouterr().err
    shown = run("-m", "drone_ssl_app", "fly", "--help")  # what the installed `drone-ssl fly --help` runs
    assert shown.returncode == 0 and shown.stdout.startswith("usage: drone-ssl fly")
    bad = run("-m", "drone_ssl_app", "fly", "--sim", "--duration", "-1")
    assert bad.returncode == 2 and "drone-ssl fly: error: --duration must be a positive" in bad.stderr


def ast_main_module(script: Path) -> str:
    """The module whose main a scripts/ shim runs."""
    import ast

    return next(n.module for n in ast.parse(script.read_text()).body if isinstance(n, ast.ImportFrom))
