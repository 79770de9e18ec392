"""The study of issue 7: strategies x estimators x seeded rooms, flown as fly.py runs, with 95% CIs over seeds.

Light to import (no torch, no matplotlib); the report side lives in `lab.experiment.collect` (metrics of
each run, from its flight log) and `lab.experiment.study_report` (tables, plots).
"""

from drone_ssl_lab.experiment.aggregate import GroupSummary, RunRecord
from drone_ssl_lab.experiment.comparisons import Comparison
from drone_ssl_lab.experiment.errors import ExperimentError
from drone_ssl_lab.experiment.folder import ExperimentFolder
from drone_ssl_lab.experiment.grid import CONDITIONS, ESTIMATORS, FlightSettings, Grid, RunSpec, parse_shard
from drone_ssl_lab.experiment.presets import PRESETS, Preset
from drone_ssl_lab.experiment.runner import GridRunner, Outcome
from drone_ssl_lab.experiment.stats import Estimate

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
