"""`drone-ssl COMMAND [ARGS]`: the console entry point, running each command's module by its `main(argv)`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points

from drone_ssl_app.cli import EXIT_BAD_INPUT

# Commands are the entry points of this group (pyproject.toml), so the lab's commands join the console when the
# lab is installed, and the app never imports the lab.
GROUP = "drone_ssl.commands"


def commands() -> dict[str, EntryPoint]:
    """The installed commands by name (an install carries the group in its metadata)."""
    return {point.name: point for point in sorted(entry_points(group=GROUP), key=lambda p: p.name)}


def describe(point: EntryPoint) -> str:
    """The command's one line: the first line of its module's docstring."""
    module = sys.modules.get(point.module) or __import__(point.module, fromlist=["main"])
    return (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""


def usage(found: dict[str, EntryPoint]) -> str:
    width = max(map(len, found), default=0)
    lines = [f"  {name:<{width}}  {describe(point)}" for name, point in found.items()]
    head = "usage: drone-ssl COMMAND [ARGS]   (drone-ssl COMMAND --help for its options)\n\ncommands:\n"
    return head + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    found = commands()
    if not args or args[0] in ("-h", "--help"):
        print(usage(found))
        return 0 if args else EXIT_BAD_INPUT
    name, rest = args[0], args[1:]
    if name not in found:
        print(f"error: unknown command {name!r}; choose one of {', '.join(found)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    run: Callable[..., int] = found[name].load()
    return run(rest, prog=f"drone-ssl {name}")  # argparse names the command in usage lines and errors
