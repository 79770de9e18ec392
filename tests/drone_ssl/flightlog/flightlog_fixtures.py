"""A logged synthetic flight with every channel and event, and a guard that fails a test instead of hanging."""

from __future__ import annotations

import contextlib
import enum
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from drone_ssl.arbiter import OverrideEvent, Phase, PhaseSwitch
from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.flightlog.transforms import CameraRig
from drone_ssl.stereo.calibration import StereoCalibration
from drone_ssl_lab.data.synthetic_log import SyntheticFrame, synthetic_flight

CONFIG_YAML = "sim:\n  seed: 7\nflight:\n  speed_mps: 0.5\n"
MODELS = {"mono": "cnn-2026-11-25", "textons": "dict-3"}
RIG = CameraRig(StereoCalibration.ideal(128, 96, 60.0, 0.06), forward_offset_m=0.1)  # the synthetic flight's
METADATA = {"drone": "sim", "seed": 7}


class Cue(enum.Enum):
    STEREO = 1
    MONO = 2


@dataclass(frozen=True)
class Metrics:
    """Stands in for the learner's metrics dataclass."""

    samples: int
    test_mae_m: float
    cue: Cue


@dataclass
class Flight:
    path: Path
    frames: list[SyntheticFrame]


OVERRIDE_AT_5 = OverrideEvent(t=0.5, stereo_distance_m=0.6, mono_distance_m=None, mono_threshold_m=1.2, counter=3.5)
SWITCH_AT_10 = PhaseSwitch(t=1.0, previous=Phase.STEREO, phase=Phase.MONO, reason="mono validated")


def log_flight(path: Path, frames: int, **writer_options: object) -> Flight:
    """Every channel, and each kind of event at a known frame (events follow the frame with the same t)."""
    flight = list(synthetic_flight(frames))
    with FlightLogWriter(path, CONFIG_YAML, MODELS, METADATA, **writer_options) as log:
        for i, f in enumerate(flight):
            t = f.observation.t
            log.log_frame(f.observation, f.stereo, f.mono, f.decision, f.command, f.ground_truth)
            if i == 5:
                log.log_override(t, OVERRIDE_AT_5)
            if i == 10:
                log.log_phase_switch(t, SWITCH_AT_10)
            if i == 12:
                log.log_collision(t, {"where": (1.0, 2.0, 0.9), "speed_mps": 0.4})
            if i == 15:
                log.log_link(t, "lost")
            if i == 16:
                log.log_link(t, {"event": "restored", "after_s": 0.1})
            if i == 18:
                log.log_emergency(t, {"event": "down", "reason": "the drone reports an emergency (motors cut)"})
            if i == 20:
                log.log_learner(t, Metrics(samples=200, test_mae_m=0.31, cue=Cue.STEREO))
    return Flight(path, flight)


WriteFlight = Callable[..., Flight]
Deadline = Callable[[float], contextlib.AbstractContextManager[None]]


@pytest.fixture
def write_flight(tmp_path: Path) -> WriteFlight:
    def write(frames: int = 40, name: str = "flight.mcap", **writer_options: object) -> Flight:
        return log_flight(tmp_path / name, frames, **writer_options)

    return write


@pytest.fixture(scope="module")
def shared_flight(tmp_path_factory: pytest.TempPathFactory) -> Flight:
    """One 4 s flight (about four chunks) for the tests that only read or damage copies of it."""
    return log_flight(tmp_path_factory.mktemp("flight") / "flight.mcap", 40, rig=RIG)


class HangError(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise HangError(f"still running after {seconds} s: the reader hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def deadline() -> Deadline:
    """`with deadline(s):` fails the test if the body is still running after s seconds (a hang guard)."""
    return _deadline
