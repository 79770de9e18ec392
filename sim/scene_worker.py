"""The process that draws episodes ahead for ScenePrefetcher: reads requests on stdin, answers plans on stdout.

Protocol (pickled tuples; trusted: only our own parent process talks to it): first ("config", SimSetup), then any
number of ("plan", tag, rng_state, directory); each answered by ("plan", tag, ScenePlan) with its textures written
as BMP files into `directory`, or ("error", tag, message). End of input ends the process.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import numpy as np


def generator_at(state: dict) -> np.random.Generator:
    """A Generator whose bit generator (PCG64, Philox, ...) is in `state` (bit_generator.state)."""
    bit_generator = getattr(np.random, state["bit_generator"])()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def main() -> int:
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints (PyBullet's banner) must not corrupt answers
    from drone_ssl_sim.errors import SimError
    from drone_ssl_sim.scene_plan import plan_episode
    from drone_ssl_sim.textures import save_texture

    try:
        kind, config = pickle.load(requests)
    except EOFError:
        return 0
    if kind != "config":
        print(f"scene worker: expected the config first, got {kind!r}", file=sys.stderr)
        return 2
    while True:
        try:
            _, tag, state, directory = pickle.load(requests)
        except EOFError:
            return 0
        try:
            plan = plan_episode(config, generator_at(state))
            for index, image in enumerate(plan.textures):
                path = Path(directory) / f"prefetch{tag}_{index}.bmp"
                save_texture(path, image)
                plan.texture_files.append(str(path))
            plan.textures = []
            answer = ("plan", tag, plan)
        except SimError as error:
            answer = ("error", tag, str(error))
        try:
            pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
            answers.flush()
        except BrokenPipeError:  # the parent is gone (it exited without closing us): nothing left to do
            return 0


if __name__ == "__main__":
    sys.exit(main())
