"""Gather every planned run's state and metrics from a runs folder, extracting missing metrics in parallel."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from drone_ssl.errors import DroneSSLError
from drone_ssl_lab.experiment.aggregate import RunRecord
from drone_ssl_lab.experiment.errors import ExperimentError
from drone_ssl_lab.experiment.folder import FINISHED, SKIPPED, UNFINISHED, ExperimentFolder
from drone_ssl_lab.experiment.grid import RunSpec
from drone_ssl_lab.experiment.run_metrics import run_metrics

POOL_FROM = 4  # fewer logs to read than this: in this process (a worker's start costs about a log's reading)


def _metrics(args: tuple[Path, float]) -> dict:
    try:
        return run_metrics(*args)
    except DroneSSLError as e:  # as a one-argument error, which crosses back from a worker process intact
        raise ExperimentError(f"cannot measure {args[0]}: {e}") from None


def collect(folder: ExperimentFolder, specs: Sequence[RunSpec], window_s: float, jobs: int = 1) -> list[RunRecord]:
    """One record per spec: finished runs with their metrics (cached in each run folder), others with why."""
    done = [s for s in specs if folder.state(s) == FINISHED]
    tasks = [(folder.run_folder(s), window_s) for s in done]
    if jobs > 1 and len(tasks) > POOL_FROM:
        # spawn: a clean interpreter per worker, never a fork of a process that may hold threads
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            metrics = list(pool.map(_metrics, tasks))
    else:
        metrics = [_metrics(t) for t in tasks]
    by_spec = dict(zip(done, metrics, strict=True))
    records = []
    for spec in specs:
        state = folder.state(spec)
        detail = None
        if state == SKIPPED:
            detail = folder.skip_reason(spec)
        elif state == UNFINISHED:
            detail = folder.failure(spec)
        records.append(RunRecord(spec, state, detail, by_spec.get(spec)))
    return records
