"""Matplotlib figures shared by flights, replays and experiments (written as PNG files)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: figures go to files, never to a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Circle, Polygon  # noqa: E402

from drone_ssl.atomic_file import write_atomically  # noqa: E402

Footprint = tuple[np.ndarray, float]  # convex polygon points (n, 2) inflated by a radius (n == 1: a circle)


def plot_trajectory(
    path: Path,
    xy: np.ndarray,
    room_size_m: float,
    footprints: Sequence[Footprint] = (),
    collisions: np.ndarray | None = None,
    segments: Sequence[tuple[int, int, str, str]] = (),
    title: str = "",
) -> None:
    """Top view of the room: walls, obstacles, the flown track, collisions as red crosses.

    `segments` colours parts of the track: (first index, last index, colour, label), e.g. by phase.
    """
    fig, ax = plt.subplots(figsize=(6, 6))
    half = room_size_m / 2
    ax.add_patch(Polygon([(-half, -half), (half, -half), (half, half), (-half, half)], fill=False, lw=2))
    for points, radius in footprints:
        if len(points) == 1:
            ax.add_patch(Circle(points[0], radius, color="0.5"))
        else:
            ax.add_patch(Polygon(points, closed=True, color="0.5"))
    if len(xy):
        if segments:
            seen: set[str] = set()
            for first, last, colour, label in segments:
                ax.plot(
                    xy[first : last + 1, 0],
                    xy[first : last + 1, 1],
                    color=colour,
                    lw=1.2,
                    label=None if label in seen else label,
                )
                seen.add(label)
        else:
            ax.plot(xy[:, 0], xy[:, 1], color="tab:blue", lw=1.2, label="track")
        ax.plot(*xy[0], "go", label="start")
    if collisions is not None and len(collisions):
        ax.plot(collisions[:, 0], collisions[:, 1], "rx", ms=10, mew=2, label=f"collisions ({len(collisions)})")
    ax.set_xlim(-half - 0.2, half + 0.2)
    ax.set_ylim(-half - 0.2, half + 0.2)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    _save(fig, path)


def plot_series(
    path: Path,
    t: np.ndarray,
    series: dict[str, np.ndarray],
    ylabel: str,
    title: str = "",
    hlines: dict[str, float] | None = None,
    spans: Sequence[tuple[float, float, str, str]] = (),
) -> None:
    """Several time series on one axis (e.g. mono vs stereo vs ground-truth distance); `spans` shade the
    background by (t0, t1, colour, label), e.g. the flight's phases, each label named once in the legend."""
    fig, ax = plt.subplots(figsize=(9, 3.5))
    named: set[str] = set()
    for t0, t1, colour, label in spans:
        ax.axvspan(t0, t1, color=colour, alpha=0.1, lw=0, label=None if label in named else f"phase: {label}")
        named.add(label)
    for label, values in series.items():
        ax.plot(t, values, lw=1.0, label=label)
    for label, value in (hlines or {}).items():
        ax.axhline(value, color="k", ls="--", lw=0.8, label=label)
    ax.set_xlabel("time (s)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    _save(fig, path)


def _save(fig: plt.Figure, path: Path) -> None:
    """A PNG whole or not at all (SaveError); the figure is freed either way."""
    try:
        write_atomically(path, lambda f: fig.savefig(f, format="png", dpi=110))
    finally:
        plt.close(fig)
