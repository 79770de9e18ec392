"""`Action`: what the behaviour asks of the drone for one frame."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.types import Command


@dataclass(frozen=True)
class Action:
    """The command to send, whether to land now, and the behaviour's state name for the status line."""

    command: Command
    land: bool
    state: str  # cruise, hold, stop, turn, extra_turn, hover, land, boxed_in
