"""`ReadReport`: how much of a flight log a read recovered and what it had to skip."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReadReport:
    path: Path
    frames: int
    events: int
    complete: bool  # the writer closed the file: nothing is missing at its end
    truncated: bool  # the file ends inside its data (writer killed, file cut): the readable prefix was read
    chunks_skipped: int  # ~1 s blocks whose checksum failed
    records_skipped: int  # damaged metadata / attachment records
    messages_skipped: int  # messages that did not decode or name no known channel
    frames_incomplete: int  # frames without their left image or drone state, not yielded
    corrupt_regions: int  # stretches of damaged bytes jumped over
    bytes_skipped: int

    @property
    def warnings(self) -> int:
        """How many separate problems the read worked around (0 for an intact file, truncation aside)."""
        return (
            self.chunks_skipped
            + self.records_skipped
            + self.messages_skipped
            + self.frames_incomplete
            + self.corrupt_regions
        )

    @property
    def clean(self) -> bool:
        return self.complete and self.warnings == 0

    def summary(self) -> str:
        """One line for a person: what was recovered and what was wrong."""
        parts = [f"{self.path.name}: recovered {self.frames} frames and {self.events} events"]
        if self.truncated:
            parts.append("file truncated (no clean end; the readable prefix was read)")
        if self.warnings:
            parts.append(
                f"{self.warnings} problems skipped ({self.chunks_skipped} corrupt chunks, "
                f"{self.corrupt_regions} corrupt regions / {self.bytes_skipped} bytes, "
                f"{self.messages_skipped} bad messages, {self.records_skipped} bad records, "
                f"{self.frames_incomplete} incomplete frames)"
            )
        return "; ".join(parts)
