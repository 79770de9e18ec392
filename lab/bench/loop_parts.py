"""Where a learning flight's CPU goes: core-milliseconds per simulated second of each part of the loop."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

PARTS = ("physics", "rendering", "stereo matching", "mono inference", "ground truth", "log encoding+writing",
         "training", "publishing weights", "rest of the loop")  # fmt: skip
TRAINER_PARTS = ("training",)  # parts that run in the training process, beside the loop's own thread


class PartClock:
    """Thread CPU time spent inside wrapped calls, by part. `time.thread_time` counts what the calling thread
    burnt, never waits, so a part that blocks on another process or thread costs only its own work."""

    def __init__(self) -> None:
        self.cpu_s: dict[str, float] = defaultdict(float)

    def wrap(self, owner: Any, name: str, part: str) -> None:
        """Replace `owner.name` (a bound method, or a function an instance holds) by a timed one."""
        original: Callable[..., Any] = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.cpu_s[part] += time.thread_time() - started

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


def breakdown(clock: PartClock, sim_s: float, loop_cpu_s: float) -> dict[str, Any]:
    """Core-ms per simulated second of each part and the real-time factors two cores allow: all the work shared
    over both cores, and each serial chain (the loop's thread, the trainer) on one core of its own."""
    per_s = {part: round(1000 * clock.cpu_s.get(part, 0.0) / max(sim_s, 1e-9), 1) for part in PARTS}
    measured_in_loop = sum(v for part, v in clock.cpu_s.items() if part not in TRAINER_PARTS)
    # The rest: the loop's process CPU not inside a timed call (arbiter, behaviour, learner bookkeeping, the
    # pipe's sender thread); the writer and swap threads are timed parts already.
    per_s["rest of the loop"] = round(max(0.0, 1000 * (loop_cpu_s - measured_in_loop) / max(sim_s, 1e-9)), 1)
    total = sum(per_s.values())
    trainer = sum(per_s[part] for part in TRAINER_PARTS)
    loop = total - trainer
    return {
        "core_ms_per_sim_s": per_s,
        "total_core_ms_per_sim_s": round(total, 1),
        "two_core_limit_rtf": round(2000 / max(total, 1e-9), 2),
        "loop_thread_limit_rtf": round(1000 / max(loop - per_s["log encoding+writing"], 1e-9), 2),
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
