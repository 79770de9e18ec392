"""A flight's run folder: one flight's alone (locked while it flies, refused once it finished), gone if refused."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from drone_ssl.errors import DroneSSLError

LOCK_FILE = ".lock"  # held (flock) by the flight that owns the folder; the lock ends with its process
SUMMARY_FILE = "summary.json"
# Names that are a run's files, never its folder: `--out run/summary.json` is a mistake, not a folder to make.
FILE_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".mcap", ".png", ".csv", ".md", ".pt", ".onnx", ".npz", ".txt"})


class RunFolderError(DroneSSLError):
    """The run folder cannot be used: another flight's, a finished run, read-only, or a file in the way."""


class RunFolder:
    """The folder of one flight, claimed for as long as the object is open (a context manager).

    Claiming creates the folder and takes an exclusive lock on its `.lock` file, so a second flight into it is
    refused while the first flies, and a folder whose summary says the run finished is refused afterwards. Until
    `took_off()` is called, leaving with an exception removes a folder this claim created: a flight refused
    before take-off leaves nothing behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.created = False
        self.flown = False
        self._lock_fd: int | None = None

    @classmethod
    def claim(cls, out: str | None, label: str) -> RunFolder:
        """--out if given, else runs/<UTC time>-<label>; raises RunFolderError naming the folder and what to do."""
        if out is None:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
            path = Path("runs") / f"{stamp}-{label}"
        else:
            path = Path(out)
        folder = cls(path)
        folder._create()
        try:
            folder._lock()
            if _finished(path / SUMMARY_FILE):
                raise RunFolderError(
                    f"--out {path} already holds a finished run ({SUMMARY_FILE}); choose another folder"
                )
        except BaseException:
            folder.release(discard=True)
            raise
        return folder

    def took_off(self) -> None:
        """From now on the folder holds a flight: kept whatever happens."""
        self.flown = True

    def release(self, discard: bool = False) -> None:
        """Give the lock up; with `discard`, remove the folder if this claim created it and nothing flew."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the only descriptor ends the flock
            self._lock_fd = None
        if discard and self.created and not self.flown:
            shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release(discard=exc_type is not None)

    def _create(self) -> None:
        if not self.path.exists() and self.path.suffix.lower() in FILE_SUFFIXES:
            raise RunFolderError(
                f"--out {self.path} names a file; --out takes the run folder (e.g. --out {self.path.parent})"
            )
        blocker = _file_in_the_way(self.path)
        if blocker is not None:
            what = "exists and is not a folder" if blocker == self.path else f"is inside {blocker}, which is a file"
            raise RunFolderError(f"--out {self.path} {what}; choose another path")
        self.created = not self.path.exists()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem = f"cannot be created ({exc.strerror})"
            raise RunFolderError(f"--out {self.path} {problem}; choose a writable folder") from exc

    def _lock(self) -> None:
        lock = self.path / LOCK_FILE
        try:
            self._lock_fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            problem = f"is not writable ({exc.strerror})"
            raise RunFolderError(f"--out {self.path} {problem}; choose a writable folder") from exc
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunFolderError(f"--out {self.path}: cannot lock {LOCK_FILE} ({exc.strerror})") from exc
            owner = _read_owner(self._lock_fd)
            raise RunFolderError(
                f"--out {self.path} is in use by another flight{owner}; choose another folder"
            ) from exc
        with contextlib.suppress(OSError):  # who holds it, for the message a second flight gets
            os.ftruncate(self._lock_fd, 0)
            os.write(self._lock_fd, f"{os.getpid()}\n".encode())


def _file_in_the_way(path: Path) -> Path | None:
    """The path itself or the first ancestor that exists and is not a folder; None when the way is clear."""
    for candidate in [*reversed(path.parents), path]:
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return None


def _read_owner(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f" (process {pid})"
    return ""


def _finished(summary: Path) -> bool:
    """A summary.json of a run that ran its course; one a signal or an error ended may be flown over again."""
    try:
        data = json.loads(summary.read_text())
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True  # unreadable: keep it, let the user decide
    return not isinstance(data, dict) or data.get("ended_by", "done") == "done"
