"""Flight log benchmark: write cost per frame against the frame period, log size per minute, read throughput."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from drone_ssl.flightlog.reader import FlightLogReader
from drone_ssl.flightlog.samples import iter_samples
from drone_ssl.flightlog.writer import FlightLogWriter
from drone_ssl_lab.data.synthetic_log import SyntheticFrame, synthetic_flight

CONFIG_YAML = "benchmark: true\n"
# The paced write runs the frames this many times faster than real time: the writer thread still has idle time
# between frames, as in a real 10 Hz flight, without the benchmark taking a minute per simulated minute.
PACE_SPEEDUP = 10.0


def _write(frames: Sequence[SyntheticFrame], path: Path, pace_s: float | None, depth_maps: bool = False) -> dict:
    """Log the frames (paced `pace_s` apart, or back to back); the flight loop's time in each call and total CPU."""
    call_s = np.empty(len(frames))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    writer = FlightLogWriter(path, CONFIG_YAML, {"mono": "benchmark"}, {"purpose": "bench"}, depth_maps=depth_maps)
    with writer as w:
        for i, f in enumerate(frames):
            if pace_s is not None:
                time.sleep(max(0.0, wall0 + i * pace_s - time.perf_counter()))
            start = time.perf_counter()
            w.log_frame(f.observation, f.stereo, f.mono, f.decision, f.command, f.ground_truth)
            call_s[i] = time.perf_counter() - start
    return {
        "call_ms": 1000 * call_s,
        "cpu_ms_per_frame": 1000 * (time.process_time() - cpu0) / len(frames),
        "wall_s": time.perf_counter() - wall0,
        "bytes": os.path.getsize(path),
    }


def _read_rate(path: Path) -> dict:
    start = time.perf_counter()
    reader = FlightLogReader(path)
    frames = sum(1 for _ in reader.frames())
    frames_s = time.perf_counter() - start
    start = time.perf_counter()
    samples = sum(1 for _ in iter_samples([path]))
    samples_s = time.perf_counter() - start
    return {
        "frames": frames,
        "frames_per_s": frames / frames_s,
        "samples_per_s": samples / samples_s,
        "mb_per_s": os.path.getsize(path) / 1e6 / frames_s,
    }


def run(
    seconds: float = 60.0,
    width: int = 128,
    height: int = 96,
    rate_hz: float = 10.0,
    stereo_pairs: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
    workdir: str | Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """All figures, as a JSON-ready mapping. Frames are synthetic (textured, with camera noise) unless
    `stereo_pairs` (e.g. rendered by the simulator) are given; they are made before any timing starts."""
    n = max(1, round(seconds * rate_hz))
    period_ms = 1000.0 / rate_hz
    progress(f"making {n} frames at {width}x{height}")
    frames = list(synthetic_flight(n, width, height, rate_hz, stereo_pairs=stereo_pairs))
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = Path(tmp) / "flight.mcap"
        progress("paced write (the flight loop's view)")
        paced = _write(frames, path, pace_s=period_ms / 1000 / PACE_SPEEDUP)
        progress("read back")
        read = _read_rate(path)
        progress("back-to-back write (lock-step simulator)")
        flat_out = _write(frames, Path(tmp) / "flat_out.mcap", pace_s=None)
        progress("write with stereo depth maps")
        depth = _write(frames, Path(tmp) / "depth.mcap", pace_s=None, depth_maps=True)
    per_minute = 60.0 / (n / rate_hz) / 1e6
    call = paced["call_ms"]
    return {
        "frames": n,
        "resolution": f"{width}x{height}",
        "rate_hz": rate_hz,
        "images": "simulator" if stereo_pairs else "synthetic",
        "write_call_ms_mean": round(float(call.mean()), 3),
        "write_call_ms_p99": round(float(np.percentile(call, 99)), 3),
        "write_call_ms_max": round(float(call.max()), 3),
        "write_call_pct_of_period": round(100 * float(call.mean()) / period_ms, 3),
        "write_cpu_ms_per_frame": round(paced["cpu_ms_per_frame"], 3),
        "write_cpu_pct_of_period": round(100 * paced["cpu_ms_per_frame"] / period_ms, 3),
        "slows_loop_under_5pct": bool(100 * paced["cpu_ms_per_frame"] / period_ms < 5.0),
        "back_to_back_write_fps": round(n / flat_out["wall_s"], 1),
        "log_mb_per_minute": round(paced["bytes"] * per_minute, 2),
        "log_mb_per_minute_with_depth": round(depth["bytes"] * per_minute, 2),
        "read_frames_per_s": round(read["frames_per_s"], 1),
        "read_samples_per_s": round(read["samples_per_s"], 1),
        "read_mb_per_s": round(read["mb_per_s"], 2),
    }
