"""The loop benchmark's CPU breakdown: timed parts, another process's CPU, the limits they imply, the plot."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from drone_ssl_lab.bench.loop_parts import PARTS, PartClock, breakdown, plot, process_cpu_s


class Busy:
    def work(self, seconds: float) -> str:
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            pass
        return "done"

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)


def test_a_wrapped_call_counts_its_cpu_under_its_part_and_still_answers() -> None:
    clock, busy = PartClock(), Busy()
    clock.wrap(busy, "work", "stereo matching")
    assert busy.work(0.05) == "done"
    assert 0.05 <= clock.cpu_s["stereo matching"] < 0.2


def test_waiting_costs_no_cpu() -> None:
    clock, busy = PartClock(), Busy()
    clock.wrap(busy, "wait", "publishing weights")
    busy.wait(0.1)
    assert clock.cpu_s["publishing weights"] < 0.02


def test_another_processes_cpu_is_read_and_a_gone_one_reads_zero() -> None:
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\ninput()"
    child = subprocess.Popen([sys.executable, "-c", spin], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while process_cpu_s(child.pid) < 0.3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process_cpu_s(child.pid) >= 0.3
    finally:
        child.communicate(b"\n")
    assert process_cpu_s(child.pid) == 0.0  # reaped: no /proc entry
    assert process_cpu_s(None) == 0.0
    assert process_cpu_s(os.getpid()) > 0


def test_breakdown_per_simulated_second_and_the_two_core_limits() -> None:
    clock, busy = PartClock(), Busy()
    clock.wrap(busy, "work", "rendering")
    busy.work(0.04)  # on the loop's thread
    worker = threading.Thread(target=busy.work, args=(0.02,))  # e.g. the log's writer thread
    worker.start()
    worker.join()
    rendering = clock.cpu_s["rendering"]
    assert clock.on_loop_thread_s < rendering  # the worker's share is not the loop thread's
    clock.cpu_s["training"] = 6.0  # the trainer process, read from outside
    loop_thread = clock.on_loop_thread_s + 1.0  # 1 s on the loop's thread outside any timed call
    process = loop_thread + (rendering - clock.on_loop_thread_s) + 0.5  # 0.5 s on threads nobody timed
    parts = breakdown(clock, sim_s=100.0, process_cpu=process, loop_thread_cpu=loop_thread)
    per_s = parts["core_ms_per_sim_s"]
    assert set(per_s) == set(PARTS)
    assert per_s["training"] == 60.0 and per_s["rest of the loop"] == 10.0 and per_s["other threads"] == 5.0
    assert per_s["rendering"] == round(10 * rendering, 1)
    assert parts["two_core_limit_rtf"] == round(2000 / parts["total_core_ms_per_sim_s"], 2)
    assert parts["loop_thread_limit_rtf"] == round(1000 / (10 * loop_thread), 2)
    assert parts["trainer_limit_rtf"] == round(1000 / 60, 2)


def test_no_training_has_no_trainer_limit_and_the_plot_is_a_png(tmp_path) -> None:
    clock = PartClock()
    clock.cpu_s.update({"rendering": 1.0})
    parts = breakdown(clock, sim_s=10.0, process_cpu=1.0, loop_thread_cpu=1.0)
    assert parts["trainer_limit_rtf"] is None
    path = plot({"without learning": parts, "with learning": parts}, tmp_path / "parts.png")
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
