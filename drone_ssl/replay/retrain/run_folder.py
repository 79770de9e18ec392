"""The folder of a retraining run: new (or empty) for a fresh run, holding the run's resume state with --resume."""

from __future__ import annotations

from pathlib import Path

from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.outputs import make_folder
from drone_ssl.replay.retrain.train_state import RESUME_FILE


def retrain_folder(path: Path, model_file: str, resume: bool) -> Path:
    """The retraining folder: new (or empty) for a fresh run; holding the run's resume state with --resume."""
    if path.exists() and not path.is_dir():
        raise ReplayError(f"--out {path} is a file; retraining writes a folder (model, resume state, validation)")
    started = (path / model_file).exists() or (path / RESUME_FILE).exists()
    if resume and not (path / RESUME_FILE).exists():
        raise ReplayError(f"nothing to resume in {path} (no {RESUME_FILE}); start without --resume")
    if not resume and started:
        raise ReplayError(f"{path} already holds a retraining run; continue it with --resume or choose another --out")
    return make_folder(path, "the retraining folder")
