"""OpenCV's FileStorage YAML layout (`%YAML` header, `!!opencv-matrix` nodes) read and written in pure Python."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import yaml

MAX_FILE_BYTES = 64 * 1024  # a stereo calibration is about 1 KB; anything far larger is not one
MAX_MATRIX_ELEMENTS = 4096
MATRIX_TAG = "tag:yaml.org,2002:opencv-matrix"  # what `!!opencv-matrix` expands to
DTYPES = {"d": np.float64, "f": np.float32, "i": np.int32, "s": np.int16, "w": np.uint16, "c": np.int8, "u": np.uint8}


class OpenCvYamlError(ValueError):
    """The text is not OpenCV YAML of the expected layout; the message says what is wrong."""


class _Matrix(dict):
    """The mapping of an `!!opencv-matrix` node, told apart from a plain mapping."""


class _Loader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader (never cv2.FileStorage, whose C parser writes out of bounds on damaged
    input) that also knows OpenCV's matrix tag."""


def _construct_matrix(loader: yaml.SafeLoader, node: yaml.Node) -> _Matrix:
    if not isinstance(node, yaml.MappingNode):
        raise OpenCvYamlError("an !!opencv-matrix node must be a mapping of rows, cols, dt and data")
    return _Matrix(loader.construct_mapping(node, deep=True))


_Loader.add_constructor(MATRIX_TAG, _construct_matrix)


def read_opencv_yaml(path: Path) -> dict[str, Any]:
    """The top-level mapping of an OpenCV YAML file, matrices as float64 arrays; raises OSError when it cannot be
    read and OpenCvYamlError when it is not OpenCV YAML."""
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)  # bounded: a device or a huge file never fills the memory
    if len(data) > MAX_FILE_BYTES:
        raise OpenCvYamlError(f"larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OpenCvYamlError(f"not UTF-8 text (byte {exc.start})") from exc
    first, newline, rest = text.partition("\n")
    if first.startswith("%YAML"):  # OpenCV's `%YAML:1.0` is no YAML directive; `%YAML 1.2` PyYAML does not take
        text = "\n" + rest if newline else ""  # a blank line keeps the line numbers of errors
    try:
        document = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise OpenCvYamlError("not valid YAML" + (f" at line {mark.line + 1}" if mark is not None else "")) from exc
    if not isinstance(document, dict):
        raise OpenCvYamlError("does not hold a mapping of named values")
    return {str(k): _matrix(str(k), v) if isinstance(v, _Matrix) else v for k, v in document.items()}


def _matrix(name: str, node: _Matrix) -> np.ndarray:
    """An `!!opencv-matrix` mapping as a float64 array, every field checked before anything is allocated."""
    rows, cols, dt, data = (node.get(k) for k in ("rows", "cols", "dt", "data"))
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_MATRIX_ELEMENTS for v in (rows, cols)):
        raise OpenCvYamlError(f"{name}: rows and cols must be whole numbers 1..{MAX_MATRIX_ELEMENTS}")
    if rows * cols > MAX_MATRIX_ELEMENTS:
        raise OpenCvYamlError(f"{name}: more than {MAX_MATRIX_ELEMENTS} elements")
    if dt not in DTYPES:
        raise OpenCvYamlError(f"{name}: dt must be one of {', '.join(DTYPES)} (one channel), got {dt!r}")
    if not isinstance(data, list) or len(data) != rows * cols:
        raise OpenCvYamlError(f"{name}: data must be a list of rows x cols = {rows * cols} numbers")
    values = [_number(name, v) for v in data]
    return np.array(values, dtype=np.float64).reshape(rows, cols)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise OpenCvYamlError(f"{name}: data holds {value!r}, not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):  # OpenCV writes `1e-05`, which YAML 1.1 resolves as text
        try:
            return float(value)
        except ValueError:
            pass
    raise OpenCvYamlError(f"{name}: data holds {value!r}, not a number")


def opencv_yaml_text(values: dict[str, int | float | np.ndarray]) -> str:
    """OpenCV YAML of named integers, numbers and 2-D matrices (float64), which cv2.FileStorage reads too."""
    lines = ["%YAML:1.0", "---"]
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            m = np.atleast_2d(np.asarray(value, dtype=np.float64))
            if m.ndim != 2:
                raise ValueError(f"{name}: only 2-D matrices are written, got shape {m.shape}")
            data = ", ".join(_float_text(v) for v in m.ravel())
            lines += [f"{name}: !!opencv-matrix", f"   rows: {m.shape[0]}", f"   cols: {m.shape[1]}", "   dt: d",
                      f"   data: [ {data} ]"]  # fmt: skip
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            lines.append(f"{name}: {int(value)}")
        else:
            lines.append(f"{name}: {_float_text(float(value))}")
    return "\n".join(lines) + "\n"


def _float_text(value: float) -> str:
    """The exact float in a form both PyYAML (needs a '.') and OpenCV read as a number."""
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written as a calibration number")
    text = repr(float(value))
    mantissa, e, exponent = text.partition("e")
    return text if "." in mantissa else f"{mantissa}.0{e}{exponent}"
