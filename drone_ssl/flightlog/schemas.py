"""The JSON schema of the log's free-form records (events, metrics, ground truth); typed channels derive theirs."""

from __future__ import annotations


def record(title: str, description: str) -> dict:
    """A free-form JSON object channel (events, metrics, ground truth): every field plottable by its path."""
    return {"title": title, "description": description, "type": "object", "additionalProperties": True}
