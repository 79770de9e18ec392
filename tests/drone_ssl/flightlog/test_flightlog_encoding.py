"""Payload encoding: strict JSON out of numpy values, enums and dataclasses; depth maps in 16-bit millimetres."""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass

import numpy as np

from drone_ssl.flightlog.images import DEPTH_FAR, DEPTH_UNKNOWN, depth_from_png16, depth_to_png16
from drone_ssl.flightlog.jsonable import float_array, float_list, to_jsonable


class Level(enum.Enum):
    HIGH = 3


class Phase(str, enum.Enum):
    MONO_ONLY = "mono_only"


@dataclass
class Inner:
    values: np.ndarray


def test_to_jsonable_makes_strict_json_of_anything() -> None:
    value = {
        1: np.float32(0.5),
        "nan": math.nan,
        "inf": np.float64(np.inf),
        "flag": np.bool_(True),
        "n": np.int64(3),
        "phase": Phase.MONO_ONLY,
        "level": Level.HIGH,
        "inner": Inner(np.array([1.0, np.nan])),
        "pair": (1, 2),
        "other": 1j,
    }
    out = to_jsonable(value)
    assert out == {
        "1": 0.5,
        "nan": None,
        "inf": None,
        "flag": True,
        "n": 3,
        "phase": "mono_only",
        "level": "HIGH",
        "inner": {"values": [1.0, None]},
        "pair": [1, 2],
        "other": "1j",
    }
    json.dumps(out, allow_nan=False)


def test_float_lists_keep_unknowns_as_null_and_back_as_nan() -> None:
    values = np.array([1.5, np.nan, 2.25], np.float32)
    assert float_list(values) == [1.5, None, 2.25]
    np.testing.assert_array_equal(float_array(float_list(values)), values)
    assert float_array(None) is None


def test_depth_png16_codes_unknown_far_and_millimetres() -> None:
    depth = np.array([[np.nan, np.inf, 70.0, 0.0], [1.2344, 1.2346, -1.0, 65.534]], np.float32)
    mm = depth_to_png16(depth)
    assert mm.dtype == np.uint16
    assert mm.tolist() == [[DEPTH_UNKNOWN, DEPTH_FAR, DEPTH_FAR, 1], [1234, 1235, 1, 65534]]
    back = depth_from_png16(mm)
    assert np.isnan(back[0, 0]) and np.isinf(back[0, 1]) and back[1, 0] == np.float32(1.234)
