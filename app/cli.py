"""What every script shares: config arguments, the common option words, one-line errors.

One vocabulary across the scripts: `--out` is always a folder, `--duration` is always a flight length in
seconds, `--seed` a seed, `--config FILE` and `--set KEY=VALUE` the configuration. Older spellings keep working
through `add_deprecated`, which says on stderr what to write instead.
"""

from __future__ import annotations

import argparse
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from drone_ssl.errors import DroneSSLError
from drone_ssl_app.config import Config, load_config
from drone_ssl_app.exit_signals import FlightInterrupted
from drone_ssl_models import shipped_model

EXIT_BAD_INPUT = 2
INTERRUPTED_BY = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}


def add_config_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="YAML file overriding the shipped defaults")
    parser.add_argument(
        "--set",
        dest="overrides",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override one config key, e.g. --set sim.obstacles.count=5 (repeatable)",
    )


class _Deprecated(argparse.Action):
    """An old option spelling: stores into the new option's destination and prints a one-line note."""

    def __init__(self, option_strings: list[str], dest: str, instead: str, **kwargs: object) -> None:
        self.instead = instead
        super().__init__(option_strings, dest, **kwargs)  # type: ignore[arg-type]

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None
    ) -> None:
        print(f"note: {option} is deprecated; use {self.instead}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_deprecated(parser: argparse.ArgumentParser, old: str, instead: str, dest: str, **kwargs: object) -> None:
    """Accept `old` (hidden from --help) as a spelling of the option `instead`, whose value lives in `dest`."""
    parser.add_argument(old, dest=dest, action=_Deprecated, instead=instead, help=argparse.SUPPRESS, **kwargs)


def add_duration(parser: argparse.ArgumentParser, default: float | None, help: str, old: str | None = None) -> None:
    """`--duration SECONDS`, the one word for a flight's length; `old` is an earlier spelling still accepted."""
    parser.add_argument("--duration", type=float, default=default, metavar="SECONDS", help=help)
    if old is not None:
        add_deprecated(parser, old, "--duration", "duration", type=float, metavar="SECONDS")


def out_file(out: Path, default_name: str, suffixes: tuple[str, ...]) -> Path:
    """The file a script writes into the folder `--out`; an older `--out FILE` (by its suffix) still works."""
    if out.suffix.lower() in suffixes:
        print(f"note: --out takes a folder now; writing {out} as given (use --out {out.parent})", file=sys.stderr)
        return out
    return out / default_name


SHIPPED_MODELS = {"default": ".pt", "default.pt": ".pt", "default.onnx": ".onnx"}


def model_path(text: str) -> Path:
    """A `--model` value: a file, or `default` (`default.onnx`) for the model every install ships."""
    return shipped_model(SHIPPED_MODELS[text]) if text in SHIPPED_MODELS else Path(text)


def add_model(parser: argparse._ActionsContainer, help: str) -> None:
    """`--model PATH|default`: the one spelling of a model argument, the shipped one by name."""
    parser.add_argument("--model", type=model_path, metavar="PATH", help=f"{help}; 'default' is the shipped model")


def config_from_args(args: argparse.Namespace, extra: list[str] | None = None) -> Config:
    """The shipped defaults, then --config, then --set, then `extra` overrides the script derives."""
    return load_config(args.config, [*args.overrides, *(extra or [])])


def command(run: Callable[[list[str] | None, str | None], int]) -> Callable[..., int]:
    """A command's `main(argv=None, prog=None)`: `run(argv, prog)` with typed errors as one line and its exit
    status returned (the console, `python -m` and the scripts/ shims all call this)."""

    def main(argv: list[str] | None = None, prog: str | None = None) -> int:
        return guarded(lambda: run(argv, prog))

    return main


def guarded(run: Callable[[], int]) -> int:
    """Run a command and return its exit status: typed errors become one line on stderr and 2 (bugs too, with
    their traceback); Ctrl-C 130, SIGTERM 143, SIGHUP 129 (a flight has landed and saved by then)."""
    try:
        return run()
    except SystemExit as exc:  # argparse's usage errors and --help: their status, as a return value like the rest
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else EXIT_BAD_INPUT
    except DroneSSLError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FlightInterrupted as exc:
        print(INTERRUPTED_BY.get(exc.signum, "interrupted"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug: the traceback is what a report needs, the exit code still says "error"
        traceback.print_exc()
        return EXIT_BAD_INPUT
