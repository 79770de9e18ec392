"""Where a learning flight's CPU goes: core-milliseconds per simulated second of each part of the loop."""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

PARTS = ("physics", "rendering", "stereo matching", "mono inference", "ground truth", "log encoding+writing",
         "training", "publishing weights", "rest of the loop", "other threads")  # fmt: skip
TRAINER_PARTS = ("training",)  # parts that run in the training process, beside the loop's own thread


class PartClock:
    """Thread CPU time spent inside wrapped calls, by part. `time.thread_time` counts what the calling thread
    burnt, never waits, so a part that blocks on another process or thread costs only its own work."""

    def __init__(self) -> None:
        self.cpu_s: dict[str, float] = defaultdict(float)
        self.loop_thread = threading.get_ident()  # the thread that made the clock runs the loop
        self.on_loop_thread_s = 0.0  # what the timed calls made on the loop's thread took

    def wrap(self, owner: Any, name: str, part: str) -> None:
        """Replace `owner.name` (a bound method, or a function an instance holds) by a timed one."""
        original: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                self.cpu_s[part] += spent
                if threading.get_ident() == self.loop_thread:
                    self.on_loop_thread_s += spent

        setattr(owner, name, timed)


def process_cpu_s(pid: int | None) -> float:
    """User + system CPU seconds of another process so far (Linux /proc; 0 where it cannot be read)."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime after the name


def breakdown(clock: PartClock, sim_s: float, process_cpu: float, loop_thread_cpu: float) -> dict[str, Any]:
    """Core-ms per simulated second of each part and the real-time factors two cores allow: all the work shared
    over both cores, and each serial chain (the loop's thread, the trainer) on one core of its own.
    `process_cpu`: the loop's process (every thread); `loop_thread_cpu`: the loop's own thread."""
    scale = 1000 / max(sim_s, 1e-9)
    per_s = {part: round(scale * clock.cpu_s.get(part, 0.0), 1) for part in PARTS}
    # The loop's thread outside any timed call: arbiter, behaviour, the learner's bookkeeping, statistics.
    per_s["rest of the loop"] = round(max(0.0, scale * (loop_thread_cpu - clock.on_loop_thread_s)), 1)
    # The process's threads nobody timed: the trainer pipe's sender, library thread pools (OpenCV's workers
    # wait by spinning), the progress bar. The writer and swap threads are timed parts already.
    timed_elsewhere = sum(v for p, v in clock.cpu_s.items() if p not in TRAINER_PARTS) - clock.on_loop_thread_s
    per_s["other threads"] = round(max(0.0, scale * (process_cpu - loop_thread_cpu - timed_elsewhere)), 1)
    total = sum(per_s.values())
    trainer = sum(per_s[part] for part in TRAINER_PARTS)
    return {
        "core_ms_per_sim_s": per_s,
        "total_core_ms_per_sim_s": round(total, 1),
        "two_core_limit_rtf": round(2000 / max(total, 1e-9), 2),
        "loop_thread_limit_rtf": round(1000 / max(scale * loop_thread_cpu, 1e-9), 2),
        "trainer_limit_rtf": round(1000 / trainer, 2) if trainer > 0 else None,
    }


def plot(flights: dict[str, dict[str, Any]], path: os.PathLike | str) -> str:
    """A stacked bar per flight: core-ms per simulated second by part (PNG); returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(flights)
    figure, axes = plt.subplots(figsize=(9, 1.2 + 0.8 * len(names)))
    left = [0.0] * len(names)
    colours = plt.get_cmap("tab10").colors
    for index, part in enumerate(PARTS):
        widths = [flights[name]["core_ms_per_sim_s"][part] for name in names]
        axes.barh(names, widths, left=left, color=colours[index % len(colours)], label=part)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for row, name in enumerate(names):
        limit = flights[name]["two_core_limit_rtf"]
        axes.text(left[row] + 5, row, f"2-core limit {limit:g}x", va="center", fontsize=8)
    axes.set_xlabel("core-milliseconds per simulated second")
    axes.set_xlim(0, max(left) * 1.3)
    axes.legend(fontsize=7, ncol=3, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return str(path)
