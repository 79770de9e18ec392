"""The study of issue 7: strategies x estimators x seeded rooms, flown as fly.py runs, with 95% CIs over seeds.

Light to import (no torch, no matplotlib); the report side lives in `lab.experiment.collect` (metrics of
each run, from its flight log) and `lab.experiment.study_report` (tables, plots).
"""

from lab.experiment.aggregate import GroupSummary, RunRecord
from lab.experiment.comparisons import Comparison
from lab.experiment.errors import ExperimentError
from lab.experiment.folder import ExperimentFolder
from lab.experiment.grid import CONDITIONS, ESTIMATORS, FlightSettings, Grid, RunSpec, parse_shard
from lab.experiment.presets import PRESETS, Preset
from lab.experiment.runner import GridRunner, Outcome
from lab.experiment.stats import Estimate

__all__ = [
    "CONDITIONS",
    "ESTIMATORS",
    "PRESETS",
    "Comparison",
    "Estimate",
    "ExperimentError",
    "ExperimentFolder",
    "FlightSettings",
    "Grid",
    "GridRunner",
    "GroupSummary",
    "Outcome",
    "Preset",
    "RunRecord",
    "RunSpec",
    "parse_shard",
]
