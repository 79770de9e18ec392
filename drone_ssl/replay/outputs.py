"""Output folders and files of replay commands: never overwrite earlier results, write JSON and CSV whole."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drone_ssl.atomic_file import write_text_atomically
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
    write_text_atomically(path, json.dumps(_plain(value), indent=2) + "\n")


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    text = io.StringIO(newline="")
    out = csv.writer(text)
    out.writerow(header)
    out.writerows([["" if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in row]
                   for row in rows])  # fmt: skip
    write_text_atomically(path, text.getvalue())
