"""Export the stereo-labelled frames of flight logs as a plain dataset: PNG images, labels.csv and dataset.npz."""

from __future__ import annotations

import math
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from drone_ssl.errors import SaveError
from drone_ssl.flightlog import FlightLogReader
from drone_ssl.flightlog.images import decode_png, depth_from_png16, depth_to_png16, encode_png
from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.export.npz_stream import open_npz, write_array, write_member
from drone_ssl.replay.logs import describe
from drone_ssl.replay.open_loop import TRUTH_KEYS
from drone_ssl.replay.outputs import fresh_folder, write_csv

HEADER = (
    "image", "depth_image", "log", "frame", "t", "stereo_distance_m", "logged_mono_distance_m", "phase",
    "eval_true_distance_m",
)  # fmt: skip
README = """Exported by drone_ssl (drone-ssl replay --export) from flight logs: one row per stereo-labelled frame.

images/*.png          left camera image, 8-bit grey, lossless
depth/*.png           stereo depth of that image (when the flight logged depth maps): 16-bit millimetres,
                      0 = unknown, 65535 = far
labels.csv            image, depth_image, log (index into logs.csv), frame, t (s), stereo_distance_m (the
                      self-supervised label: nearest obstacle ahead), logged_mono_distance_m (what the flying mono
                      estimator said), phase, eval_true_distance_m
logs.csv              index, path of each source log
dataset.npz           the same as arrays: images (N,H,W) uint8, distance_m, t, log, frame, logged_mono_m,
                      eval_true_distance_m, depth_m (N,H,W) float32 metres (NaN unknown, inf far) when logged

eval_true_distance_m is simulator ground truth: for evaluation only, never a training label.
"""


@dataclass(frozen=True)
class _Row:
    image: str
    depth: str
    log: int
    frame: int
    t: float
    stereo_m: float
    mono_m: float
    phase: str
    truth_m: float


def _log_name(index: int, path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{index:02d}-{path.parent.name}-{path.stem}")


def _write_frames(logs: Sequence[Path], folder: Path) -> tuple[list[_Row], list[str], tuple[int, int] | None]:
    """PNG files for every stereo-labelled frame; the rows, the read reports and the image shape."""
    (folder / "images").mkdir()
    (folder / "depth").mkdir()
    rows: list[_Row] = []
    reports: list[str] = []
    shape: tuple[int, int] | None = None
    for index, path in enumerate(logs):
        reader = FlightLogReader(path)
        name = _log_name(index, path)
        for frame in reader.frames():
            stereo = frame.stereo
            if stereo is None or not stereo.valid:
                continue
            shape = shape or frame.left.shape
            if frame.left.shape != shape:
                raise ReplayError(f"{path} has {frame.left.shape[::-1]} images, earlier logs {shape[::-1]}; "
                                  "export logs of one camera size together")  # fmt: skip
            image = f"images/{name}_{frame.index:06d}.png"
            (folder / image).write_bytes(encode_png(frame.left))
            depth = ""
            if stereo.depth_m is not None:
                depth = f"depth/{name}_{frame.index:06d}.png"
                (folder / depth).write_bytes(encode_png(depth_to_png16(stereo.depth_m)))
            gt = frame.ground_truth or {}
            truth = next((gt[k] for k in TRUTH_KEYS if isinstance(gt.get(k), (int, float))), math.nan)
            mono = frame.mono.distance_m if frame.mono is not None and frame.mono.distance_m is not None else math.nan
            rows.append(_Row(image, depth, index, frame.index, frame.t, float(stereo.distance_m), mono,
                             frame.phase_name or "", float(truth)))  # fmt: skip
        reports.append(describe(reader.report) if reader.report else f"{path}: not read")
    return rows, reports, shape


def _images(folder: Path, rows: list[_Row]) -> Iterator[np.ndarray]:
    for row in rows:
        yield decode_png((folder / row.image).read_bytes())


def _depths(folder: Path, rows: list[_Row], shape: tuple[int, int]) -> Iterator[np.ndarray]:
    unknown = np.full(shape, np.nan, np.float32)
    for row in rows:
        yield depth_from_png16(decode_png((folder / row.depth).read_bytes())) if row.depth else unknown


def _write_npz(folder: Path, rows: list[_Row], shape: tuple[int, int], logs: Sequence[Path]) -> None:
    n = len(rows)  # the images and depth maps stream from the PNG files; the scalar columns fit in memory
    columns = {
        "distance_m": np.array([r.stereo_m for r in rows], np.float32),
        "t": np.array([r.t for r in rows], np.float64),
        "log": np.array([r.log for r in rows], np.int32),
        "frame": np.array([r.frame for r in rows], np.int64),
        "logged_mono_m": np.array([r.mono_m for r in rows], np.float32),
        "eval_true_distance_m": np.array([r.truth_m for r in rows], np.float32),
        "log_paths": np.array([str(p) for p in logs]),
    }
    with open_npz(folder / "dataset.npz") as archive:
        write_member(archive, "images", _images(folder, rows), n, shape, np.uint8)
        if any(r.depth for r in rows):
            write_member(archive, "depth_m", _depths(folder, rows, shape), n, shape, np.float32)
        for name, values in columns.items():
            write_array(archive, name, values)


def export_dataset(logs: Sequence[Path], out: Path) -> dict:
    """Write the dataset into `out` (new or empty); it appears there only once complete. Returns its figures."""
    fresh_folder(out, "export").rmdir()  # checked now, filled under a temporary name, renamed when complete
    work = out.with_name(f".{out.name}.partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        rows, reports, shape = _write_frames(logs, work)
        if not rows or shape is None:
            raise ReplayError("the logs hold no stereo-labelled frames to export")
        write_csv(work / "labels.csv", HEADER, [
            [r.image, r.depth, r.log, r.frame, round(r.t, 6), r.stereo_m, r.mono_m, r.phase, r.truth_m] for r in rows
        ])  # fmt: skip
        write_csv(work / "logs.csv", ("index", "path"), [[i, str(p)] for i, p in enumerate(logs)])
        _write_npz(work, rows, shape, logs)
        (work / "README.txt").write_text(README)
        os.replace(work, out)
    except OSError as exc:  # a full disk or a read-only folder: one line, and no half-written dataset
        shutil.rmtree(work, ignore_errors=True)
        raise SaveError(str(out), f"{exc.strerror or exc}; check the folder (free space, access)") from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {
        "folder": str(out),
        "frames": len(rows),
        "with_depth": sum(bool(r.depth) for r in rows),
        "image_size": f"{shape[1]}x{shape[0]}",
        "logs": reports,
    }
