"""Output folders and files of replay commands: never overwrite earlier results, write JSON and CSV atomically."""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from drone_ssl.replay.errors import ReplayError


def fresh_folder(path: Path, what: str) -> Path:
    """Create `path`, which must not exist or be an empty folder (earlier results are never overwritten)."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ReplayError(f"{what} folder {path} already exists and is not empty; choose another folder")
    return make_folder(path, f"{what} folder")


def make_folder(path: Path, what: str) -> Path:
    """mkdir -p, an OSError becoming a ReplayError that names `what` and the folder."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReplayError(f"cannot create {what} {path}: {e.strerror}") from e
    return path


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary file beside `path`, then swap it in: an interrupted or failed write leaves the
    previous file as it was."""
    tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        raise ReplayError(f"cannot write {path}: {e.strerror or e}; check the folder (space, access)") from e
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _plain(value: Any) -> Any:
    """JSON-safe: NaN and inf as null, paths as strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Path):
        return str(value)
    return value


def write_json(path: Path, value: Any) -> None:
    text = json.dumps(_plain(value), indent=2) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text))


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(header)
            out.writerows([["" if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in row]
                           for row in rows])  # fmt: skip

    atomic_write(path, write)
