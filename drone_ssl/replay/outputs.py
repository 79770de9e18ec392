"""Output folders and files of replay commands: never overwrite earlier results, write JSON and CSV atomically."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.train_state import RESUME_FILE, atomic_write


def fresh_folder(path: Path, what: str) -> Path:
    """Create `path`, which must not exist or be an empty folder (earlier results are never overwritten)."""
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ReplayError(f"{what} folder {path} already exists and is not empty; choose another folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReplayError(f"cannot create {what} folder {path}: {e.strerror}") from e
    return path


def retrain_folder(path: Path, model_file: str, resume: bool) -> Path:
    """The retraining folder: new (or empty) for a fresh run; holding the run's resume state with --resume."""
    if path.exists() and not path.is_dir():
        raise ReplayError(f"--out {path} is a file; retraining writes a folder (model, resume state, validation)")
    started = (path / model_file).exists() or (path / RESUME_FILE).exists()
    if resume and not (path / RESUME_FILE).exists():
        raise ReplayError(f"nothing to resume in {path} (no {RESUME_FILE}); start without --resume")
    if not resume and started:
        raise ReplayError(f"{path} already holds a retraining run; continue it with --resume or choose another --out")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReplayError(f"cannot create the retraining folder {path}: {e.strerror}") from e
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
