"""The replay package's layout: each job's subpackage imports only the shared root and itself, never another job,
and the shared root imports no job."""

from __future__ import annotations

import ast
from pathlib import Path

import drone_ssl.replay

REPLAY = Path(drone_ssl.replay.__file__).parent
JOBS = ("retrain", "evaluate", "report", "export")


def _replay_imports(path: Path) -> set[str]:
    """The drone_ssl.replay modules `path` imports, as paths below drone_ssl.replay ("retrain.dataset", "logs")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    prefix = "drone_ssl.replay."
    return {name.removeprefix(prefix) for name in names if name.startswith(prefix)}


def test_every_job_has_its_subpackage() -> None:
    assert all((REPLAY / job / "__init__.py").is_file() for job in JOBS)
    assert not list(REPLAY.rglob("report.py"))  # named by what it reports


def test_a_job_imports_the_shared_root_and_itself_only() -> None:
    for job in JOBS:
        for path in (REPLAY / job).glob("*.py"):
            others = {name.split(".")[0] for name in _replay_imports(path)} & (set(JOBS) - {job})
            assert not others, f"{path.name} in {job}/ imports the {sorted(others)} job"


def test_the_shared_root_imports_no_job() -> None:
    for path in REPLAY.glob("*.py"):
        if path.name == "__init__.py":
            continue  # the package's public face gathers the jobs
        jobs = {name.split(".")[0] for name in _replay_imports(path)} & set(JOBS)
        assert not jobs, f"the shared {path.name} imports the {sorted(jobs)} job"
