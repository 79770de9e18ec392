"""`stop_worker`: end a helper process that reads requests on stdin, without ever waiting on it unbounded."""

from __future__ import annotations

import subprocess


def stop_worker(worker: subprocess.Popen) -> None:
    """Close its input (it ends at end of input), wait a little, kill it if it does not go."""
    try:
        worker.stdin.close()
        worker.wait(timeout=5.0)
    except (OSError, subprocess.TimeoutExpired):
        worker.kill()
        worker.wait()
    worker.stdout.close()
