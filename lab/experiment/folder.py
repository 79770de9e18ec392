"""The runs folder of an experiment: its flight settings, one fly.py run folder per run, and each run's state."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from drone_ssl_lab.experiment.errors import ExperimentError
from drone_ssl_lab.experiment.flight_args import Skip, read_summary
from drone_ssl_lab.experiment.grid import FlightSettings, RunSpec

EXPERIMENT_FILE = "experiment.json"
CONFIG_FILE = "experiment_config.yaml"  # the --config file's text, so the folder is self-contained
SKIPPED_FILE = "skipped.json"
FLY_LOG = "fly.log"  # fly.py's own output (status line, summary table, errors)

FINISHED, SKIPPED, UNFINISHED, MISSING = "finished", "skipped", "unfinished", "missing"


class ExperimentFolder:
    """`<path>/experiment.json` holds the flight settings every run was flown with; `<path>/<run id>/` is a
    normal fly.py run folder (summary.json, flight.mcap, plots, model) with fly.log beside them."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def run_folder(self, spec: RunSpec) -> Path:
        return self.path / spec.id

    @property
    def config_file(self) -> Path | None:
        path = self.path / CONFIG_FILE
        return path if path.is_file() else None

    def state(self, spec: RunSpec) -> str:
        folder = self.run_folder(spec)
        if read_summary(folder) is not None:
            return FINISHED
        if (folder / SKIPPED_FILE).is_file():
            return SKIPPED
        return UNFINISHED if folder.exists() else MISSING

    def skip_reason(self, spec: RunSpec) -> str | None:
        try:
            return json.loads((self.run_folder(spec) / SKIPPED_FILE).read_text())["reason"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def failure(self, spec: RunSpec) -> str | None:
        """The last line fly.py wrote, for a run that did not finish."""
        try:
            lines = (self.run_folder(spec) / FLY_LOG).read_text(errors="replace").replace("\r", "\n").splitlines()
        except OSError:
            return None
        lines = [line.strip() for line in lines if line.strip()]
        return lines[-1] if lines else None

    def settings(self) -> FlightSettings | None:
        try:
            data = json.loads((self.path / EXPERIMENT_FILE).read_text())
            return FlightSettings.from_dict(data["settings"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ExperimentError(f"{self.path / EXPERIMENT_FILE} is unreadable ({e}); delete the runs folder") from e

    def prepare(self, settings: FlightSettings) -> None:
        """Create the folder for these settings, or check that the flights already in it used the same ones."""
        existing = self.settings()
        if existing is not None and existing != settings:
            changed = [k for k, v in settings.as_dict().items() if existing.as_dict()[k] != v]
            raise ExperimentError(
                f"{self.path} holds flights made with other settings ({', '.join(changed)} differ); "
                "pass the same arguments to resume, or choose another --runs folder"
            )
        self.path.mkdir(parents=True, exist_ok=True)
        if existing is None:
            (self.path / EXPERIMENT_FILE).write_text(json.dumps({"settings": settings.as_dict()}, indent=2) + "\n")
        if settings.config_text is not None:
            (self.path / CONFIG_FILE).write_text(settings.config_text)

    def start_fresh(self, spec: RunSpec) -> Path:
        """An interrupted or skipped run is flown again from scratch: its folder is emptied first."""
        folder = self.run_folder(spec)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return folder

    def mark_skipped(self, spec: RunSpec, skip: Skip) -> None:
        folder = self.start_fresh(spec)
        (folder / SKIPPED_FILE).write_text(json.dumps({"reason": skip.reason}) + "\n")

    def merge_from(self, other: ExperimentFolder, specs: list[RunSpec]) -> int:
        """Copy in the finished (and skipped) runs of another shard's folder that this one lacks; returns how
        many. Refuses a folder flown with other settings."""
        theirs, ours = other.settings(), self.settings()
        if theirs is None:
            raise ExperimentError(f"{other.path} is not an experiment runs folder (no {EXPERIMENT_FILE})")
        if ours is not None and theirs != ours:
            raise ExperimentError(f"{other.path} was flown with other settings than {self.path}; cannot merge")
        self.prepare(theirs)
        copied = 0
        for spec in specs:
            if other.state(spec) in (FINISHED, SKIPPED) and self.state(spec) not in (FINISHED, SKIPPED):
                target = self.run_folder(spec)
                if target.exists():
                    shutil.rmtree(target)
                shutil.copytree(other.run_folder(spec), target)
                copied += 1
        return copied
