"""The rooms' arrows point down: the brain never imports a device, the app or the lab; devices never the app or lab."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# room -> the top-level packages it must never import (ARCHITECTURE.md, "What may import what")
FORBIDDEN = {
    "drone_ssl": {"sim", "firmware_bridge", "app", "lab"},
    "firmware_bridge": {"sim", "app", "lab"},
    "sim": {"app", "lab"},
    "app": {"lab"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level package of every import in a file, at any depth (imports inside functions count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif _imports_by_name(node):
            found.add(node.args[0].value.split(".")[0])
    return found


def _imports_by_name(node: ast.AST) -> bool:
    """importlib.import_module("pkg...") or __import__("pkg...") with a literal name."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
    first = node.args[0]
    return name in ("import_module", "__import__") and isinstance(first, ast.Constant) and isinstance(first.value, str)


def violations(room: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {package}"
        for path in sorted((ROOT / room).rglob("*.py"))
        for package in sorted(imported_packages(path) & FORBIDDEN[room])
    ]


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_arrows_point_down(room: str) -> None:
    assert violations(room) == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def f():\n    from sim.sim_drone import SimDrone\n    import firmware_bridge.factory\n")
    assert imported_packages(wrong) == {"sim", "firmware_bridge"}


def test_every_package_is_a_room_with_a_face() -> None:
    """Each package folder of the product has an __init__.py whose docstring says what the room holds."""
    for room in ("drone_ssl", "sim", "firmware_bridge", "app", "lab"):
        for folder in [ROOT / room, *(p for p in (ROOT / room).rglob("*") if p.is_dir())]:
            if folder.name in ("__pycache__", "configs") or not any(folder.glob("*.py")):
                continue
            face = folder / "__init__.py"
            assert face.is_file(), f"{folder.relative_to(ROOT)} has no __init__.py"
            assert ast.get_docstring(ast.parse(face.read_text(encoding="utf-8"))), (
                f"{face.relative_to(ROOT)}: docstring"
            )


def test_scripts_import_the_installed_packages_without_path_tricks() -> None:
    """scripts/ reach drone_ssl, sim, firmware_bridge, app and lab as installed packages (pip install -e .)."""
    for script in sorted((ROOT / "scripts").glob("*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        touched = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", "") == "sys"
        ]
        assert touched == [], f"{script.name} changes sys.path at line(s) {touched}"
