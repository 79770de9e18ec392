"""The rooms' arrows point down (ARCHITECTURE.md): the brain never imports a device, the app or the lab; the two
devices are siblings; the emulator sits above both; inside the brain each floor imports only the floors below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# room folder -> its installed name (pyproject.toml's package-dir)
INSTALLED = {
    "drone_ssl": "drone_ssl",
    "sim": "drone_ssl_sim",
    "firmware_bridge": "drone_ssl_bridge",
    "emulator": "drone_ssl_emulator",
    "app": "drone_ssl_app",
    "lab": "drone_ssl_lab",
    "models": "drone_ssl_models",
}
PRODUCT = set(INSTALLED.values())
# room folder -> the installed packages it must never import
FORBIDDEN = {
    "drone_ssl": PRODUCT - {"drone_ssl"},
    "firmware_bridge": PRODUCT - {"drone_ssl", "drone_ssl_bridge"},
    "sim": PRODUCT - {"drone_ssl", "drone_ssl_sim"},
    "emulator": {"drone_ssl_app", "drone_ssl_lab", "drone_ssl_models"},
    "app": {"drone_ssl_lab"},
    "models": PRODUCT - {"drone_ssl_models"},
}
# the folder names a user's own project may hold: the product never imports them by those names
FOLDER_NAMES = {"sim", "firmware_bridge", "emulator", "app", "lab", "models"}


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
        for package in sorted(imported_packages(path) & (FORBIDDEN[room] | FOLDER_NAMES))
    ]


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_arrows_point_down(room: str) -> None:
    assert violations(room) == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def f():\n    from drone_ssl_sim.sim_drone import SimDrone\n    import drone_ssl_bridge.safety\n")
    assert imported_packages(wrong) == {"drone_ssl_sim", "drone_ssl_bridge"}


def test_every_package_is_a_room_with_a_face() -> None:
    """Each package folder of the product has an __init__.py whose docstring says what the room holds."""
    for room in INSTALLED:
        for folder in [ROOT / room, *(p for p in (ROOT / room).rglob("*") if p.is_dir())]:
            if folder.name in ("__pycache__", "configs") or not any(folder.glob("*.py")):
                continue
            face = folder / "__init__.py"
            assert face.is_file(), f"{folder.relative_to(ROOT)} has no __init__.py"
            assert ast.get_docstring(ast.parse(face.read_text(encoding="utf-8"))), (
                f"{face.relative_to(ROOT)}: docstring"
            )


def test_scripts_are_shims_of_the_installed_commands() -> None:
    """Each of scripts/ is a few lines that run one installed module's main: the runs live in the packages."""
    for script in sorted((ROOT / "scripts").glob("*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert functions == [], f"{script.name} defines {[f.name for f in functions]}: move them into the app or lab"
        assert [(i.module.split(".")[0], [a.name for a in i.names]) for i in imports] in (
            [("drone_ssl_app", ["main"])],
            [("drone_ssl_lab", ["main"])],
        ), f"{script.name} must import one command's main"


def test_the_brains_floors_point_down() -> None:
    """Inside the brain, a module imports only modules on lower floors, as ARCHITECTURE.md lists the floors."""
    floors = brain_floors()
    placed = {name for floor in floors for name in floor}
    level = {name: i for i, floor in enumerate(floors) for name in floor}
    units = {p.relative_to(ROOT / "drone_ssl").parts[0].removesuffix(".py") for p in (ROOT / "drone_ssl").iterdir()}
    units -= {"__init__", "__pycache__"}
    assert units <= placed, f"ARCHITECTURE.md's floors do not place {sorted(units - placed)}"
    wrong = []
    for path in sorted((ROOT / "drone_ssl").rglob("*.py")):
        unit = path.relative_to(ROOT / "drone_ssl").parts[0].removesuffix(".py")
        if unit == "__init__":
            continue
        for target in brain_imports(path) - {unit}:
            if level[target] <= level[unit]:
                wrong.append(f"{path.relative_to(ROOT)} ({unit}, floor {level[unit]}) imports {target}")
    assert wrong == []


def brain_floors() -> list[list[str]]:
    """The floors of "Inside the brain:" in ARCHITECTURE.md, top to bottom."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    sentence = text.split("Inside the brain:", 1)[1].split(".\n", 1)[0]
    return [[name.strip(" `\n") for name in floor.split(",")] for floor in sentence.split("→")]


def brain_imports(path: Path) -> set[str]:
    """The brain's own modules (first level under drone_ssl) a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
        names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
        found |= {n.split(".")[1] for n in names if n.startswith("drone_ssl.")}
    return found


def test_scripts_import_the_installed_packages_without_path_tricks() -> None:
    """scripts/ reach the product as installed packages (pip install -e .)."""
    for script in sorted((ROOT / "scripts").glob("*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        touched = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", "") == "sys"
        ]
        assert touched == [], f"{script.name} changes sys.path at line(s) {touched}"
