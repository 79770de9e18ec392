"""Run by the SIGKILL test: logs frames at 5x real time, printing how many it has logged, until it is killed."""

from __future__ import annotations

import sys
import time

import numpy as np

from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.types import Command, DroneState, Observation

RATE_HZ = 10.0
WALL_S_PER_FRAME = 0.02


def frame_image(index: int, salt: int) -> np.ndarray:
    """A distinct, checkable image per frame: noise seeded by the frame index."""
    return np.random.default_rng(1000 * index + salt).integers(0, 256, (96, 128), dtype=np.uint8)


def main(path: str) -> None:
    state = DroneState(None, velocity=(0.0, 0.0, 0.0), attitude=(0.0, 0.0, 0.0), altitude=1.0, battery=90, flying=True)
    with FlightLogWriter(path, "child: true\n", {"mono": "child"}, {}) as log:
        print(0, flush=True)
        for i in range(100_000):
            observation = Observation(i / RATE_HZ, frame_image(i, 1), frame_image(i, 2), state)
            log.log_frame(observation, command=Command(pitch=-0.1))
            print(i + 1, flush=True)
            time.sleep(WALL_S_PER_FRAME)


if __name__ == "__main__":
    main(sys.argv[1])
