"""Write a file whole or not at all: into a temporary name in the same folder, then renamed over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from drone_ssl.errors import SaveError


def write_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Let `write` fill a binary file, flushed to disk, then rename it to `path` (its folder made if need be);
    returns `path`.

    A full disk, a read-only folder or an error in `write` leaves `path` as it was (absent, or the previous
    complete file) and no temporary file behind; an OSError becomes a SaveError naming the file and the reason."""
    target = Path(path)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the name points at it
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; the file gets the mode open() would give it
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise SaveError(str(target), f"{exc.strerror or exc}; check the folder (free space, access)") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return target


def write_text_atomically(path: str | Path, text: str) -> Path:
    """`write_atomically` of UTF-8 text."""
    data = text.encode("utf-8")
    return write_atomically(path, lambda f: f.write(data))


def _read_umask() -> int:
    mask = os.umask(0o022)  # read once at import, before threads start: os.umask can only be read by setting it
    os.umask(mask)
    return mask


_UMASK = _read_umask()
