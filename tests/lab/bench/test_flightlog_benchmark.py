"""The logs benchmark runs end to end and reports every figure (their values are for scripts/bench.py to show)."""

from __future__ import annotations

from pathlib import Path

from drone_ssl_lab.bench import flightlog as benchmark


def test_benchmark_reports_every_figure(tmp_path: Path) -> None:
    figures = benchmark.run(seconds=1.0, workdir=tmp_path)
    assert figures["frames"] == 10 and figures["resolution"] == "128x96"
    for key in (
        "write_call_ms_mean",
        "write_call_pct_of_period",
        "write_cpu_ms_per_frame",
        "write_cpu_pct_of_period",
        "log_mb_per_minute",
        "log_mb_per_minute_with_depth",
        "read_frames_per_s",
        "read_samples_per_s",
    ):
        assert figures[key] > 0, key
    assert isinstance(figures["slows_loop_under_5pct"], bool)
    assert list(tmp_path.iterdir()) == []  # its files are cleaned up
