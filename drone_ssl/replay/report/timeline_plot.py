"""A flight's timeline as a PNG: the arbiter's phase as coloured bands, each kind of event on its own row."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drone_ssl.flight_report import PHASE_COLOURS, phase_segments
from drone_ssl.plots import plt  # matplotlib, already set up headless

EVENT_STYLE = {  # kind -> (marker, colour)
    "override": ("v", "tab:orange"),
    "phase_switch": ("|", "k"),
    "collision": ("x", "tab:red"),
    "link": ("s", "tab:brown"),
    "emergency": ("X", "tab:purple"),
    "learner": (".", "tab:gray"),
    "flight": ("d", "tab:olive"),
}


def plot_timeline(
    path: Path, t: Sequence[float], phases: Sequence[str], events: Sequence[tuple[float, str]], title: str = ""
) -> None:
    """`phases` per frame time `t` (empty names leave a gap); `events` as (time, kind)."""
    kinds = [k for k in EVENT_STYLE if any(kind == k for _, kind in events)]
    kinds += sorted({kind for _, kind in events} - set(kinds))
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.35 * max(1, len(kinds))))
    seen: set[str] = set()
    for first, last, colour, name in phase_segments(list(phases)):
        if not name:
            continue
        end = t[last] if last > first else t[first] + 1e-3
        ax.axvspan(t[first], end, color=PHASE_COLOURS.get(name, colour), alpha=0.3, lw=0,
                   label=None if name in seen else f"phase {name}")  # fmt: skip
        seen.add(name)
    for row, kind in enumerate(kinds):
        times = [time for time, k in events if k == kind]
        marker, colour = EVENT_STYLE.get(kind, ("o", "tab:blue"))
        ax.plot(times, [row] * len(times), ls="none", marker=marker, color=colour, ms=8, label=f"{kind} ({len(times)})")
    ax.set_yticks(range(len(kinds)), kinds)
    ax.set_ylim(-0.7, max(1, len(kinds)) - 0.3)
    if len(t):
        ax.set_xlim(t[0], t[-1])
    ax.set_xlabel("time (s)")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
