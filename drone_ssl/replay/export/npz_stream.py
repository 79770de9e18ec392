"""Write a .npz one row at a time, so a dataset of any length never has to be in memory as one array."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def write_member(archive: zipfile.ZipFile, name: str, rows: Iterable[np.ndarray], count: int, row_shape: tuple,
                 dtype: np.dtype) -> None:  # fmt: skip
    """Stream `count` rows of `row_shape` and `dtype` into `name`.npy inside `archive` (np.load reads it back)."""
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
              "shape": (count, *row_shape)}  # fmt: skip
    written = 0
    with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
        np.lib.format.write_array_header_1_0(member, header)
        for row in rows:
            row = np.ascontiguousarray(row, dtype=dtype)
            if row.shape != tuple(row_shape):
                raise ValueError(f"{name}: row of shape {row.shape}, expected {row_shape}")
            member.write(row.tobytes())
            written += 1
    if written != count:
        raise ValueError(f"{name}: wrote {written} rows, the header says {count}")


def open_npz(path: Path) -> zipfile.ZipFile:
    return zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True)


def write_array(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    """An array already in memory (a column of numbers) as `name`.npy."""
    with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
        np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
