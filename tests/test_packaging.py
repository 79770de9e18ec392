"""Any install flies: a wheel in a fresh venv flies, replays and makes the env from an unrelated folder, and a user's
own sim.py, app/ and lab/ there shadow nothing; pyproject's package list is the folders on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_package_list_is_every_package_folder_of_each_room() -> None:
    setuptools = PYPROJECT["tool"]["setuptools"]
    on_disk = {
        ".".join([installed, *folder.relative_to(ROOT / room).parts])
        for installed, room in setuptools["package-dir"].items()
        for folder in [ROOT / room, *(ROOT / room).rglob("*")]
        if (folder / "__init__.py").is_file()
    }
    assert set(setuptools["packages"]) == on_disk


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the product's wheel; its dependencies come from this environment (offline)."""
    where = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools keeps a build/ folder, whose stale files would reach the wheel (and the checkout).
    source = where / "source"
    skip = shutil.ignore_patterns(".git", ".venv", "build", "dist", "runs", "docs", "__pycache__", "*.egg-info")
    shutil.copytree(ROOT, source, ignore=skip)
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(where)]
    subprocess.run([*build, str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = where.glob("drone_ssl-*.whl")
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index"]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True, timeout=300)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.check_output([str(python), "-c", purelib], text=True).strip())
    # Only the dependencies: a path line, so this environment's own .pth files (its editable install) stay unread.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user's project folder with modules named like the checkout's folders."""
    folder = tmp_path_factory.mktemp("project")
    (folder / "sim.py").write_text("raise ImportError('the user sim.py was imported')\n")
    for package in ("app", "lab", "emulator", "models", "firmware_bridge"):
        (folder / package).mkdir()
        (folder / package / "__init__.py").write_text(f"raise ImportError('the user {package}/ was imported')\n")
    return folder


def run(venv: Path, folder: Path, *command: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=600)


def test_the_wheel_flies_and_replays_from_an_unrelated_folder(installed: Path, user_folder: Path) -> None:
    flown = run(installed, user_folder, "drone-ssl", "fly", "--sim", "--duration", "10", "--model", "default",
                "--out", "flight")  # fmt: skip
    assert flown.returncode == 0, flown.stderr[-2000:]
    summary = json.loads((user_folder / "flight" / "summary.json").read_text())
    assert summary["sim_time_s"] == pytest.approx(10.0, abs=0.2) and summary["frames"] > 0
    replayed = run(installed, user_folder, "drone-ssl", "replay", "flight/flight.mcap", "--report", "--out", "report")
    assert replayed.returncode == 0, replayed.stderr[-2000:]
    assert (user_folder / "report" / "trajectory.png").is_file()


def test_the_users_own_sim_app_and_lab_shadow_nothing(installed: Path, user_folder: Path) -> None:
    where = run(installed, user_folder, "python", "-c",
                "import drone_ssl_sim, drone_ssl_app, drone_ssl_models; print(drone_ssl_sim.__file__); "
                "print(drone_ssl_models.shipped_model())")  # fmt: skip
    assert where.returncode == 0, where.stderr[-2000:]
    assert all(str(installed) in line for line in where.stdout.splitlines()), where.stdout  # the wheel's, not ours
    helped = run(installed, user_folder, "python", "-m", "drone_ssl_app", "fly", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: drone-ssl fly"), helped.stderr[-2000:]
    env = run(installed, user_folder, "python", "-c",
              "import gymnasium as gym; env = gym.make('drone_ssl_sim:DroneSSL/Room-v0'); "
              "obs, _ = env.reset(seed=0); print(sorted(obs))")  # fmt: skip
    assert env.returncode == 0 and "['left', 'right', 'state']" in env.stdout, env.stderr[-2000:]
