"""`drone-ssl COMMAND [ARGS]`: the console entry point that runs the scripts/ tools by name."""

from __future__ import annotations

import sys
import types
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
# command -> (script, what it does); `drone-ssl fly --sim ...` is `python scripts/fly.py --sim ...`.
COMMANDS = {
    "fly": ("fly.py", "fly the simulator (--sim) or a real AR.Drone 2.0 (--drone HOST), learning as it goes"),
    "replay": ("replay.py", "retrain, evaluate, report or export from flight logs"),
    "experiment": ("experiment.py", "the study: strategies x estimators x rooms, with confidence intervals"),
    "bench": ("bench.py", "benchmarks: sim, perception, logs, loop, bridge"),
    "calibrate": ("calibrate_stereo.py", "stereo calibration from chessboard image pairs"),
    "train-default-model": ("train_default_model.py", "train the shipped mono CNN in randomised rooms"),
}
EXIT_BAD_INPUT = 2


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"  {name:<{width}}  {what}" for name, (_, what) in COMMANDS.items()]
    return "usage: drone-ssl COMMAND [ARGS]   (drone-ssl COMMAND --help for its options)\n\ncommands:\n" + "\n".join(
        lines
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(usage())
        return 0 if args else EXIT_BAD_INPUT
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"error: unknown command {name!r}; choose one of {', '.join(COMMANDS)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    script = SCRIPTS / COMMANDS[name][0]
    if not script.is_file():
        print(
            f"error: drone-ssl runs the scripts of a source checkout and {script} is missing; "
            "install the checkout with pip install -e .",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    sys.argv = [f"drone-ssl {name}", *rest]  # argparse names the command in usage lines and errors
    sys.path.insert(0, str(SCRIPTS))  # bench.py imports its sibling modules, as when run as a file
    run_as_main(script)  # the script's own guard exits with its status
    return 0


def run_as_main(script: Path) -> None:
    """Run a script file as the program's __main__ module, as `python script` would (runpy.run_path would
    also do this but resets argv[0] to the file name, which argparse then shows instead of the command)."""
    module = types.ModuleType("__main__")
    module.__file__ = str(script)
    code = compile(script.read_bytes(), str(script), "exec")
    previous = sys.modules["__main__"]
    sys.modules["__main__"] = module  # pickling by reference and spawned workers find the script's names
    try:
        exec(code, module.__dict__)
    finally:
        sys.modules["__main__"] = previous
