"""Draw the next episode's scene in a worker process while this one is flown, so that reset() need not wait for it.

Drawing a room (procedural textures above all) costs ~250 ms; building it in PyBullet ~30 ms. Episodes continue the
generator of the last one, so when an episode ends the generator is usually in the very state the next reset starts
from: the worker draws that plan in advance from a copy of the state. reset() takes it only if the generator is still
in that state (same seed, same episode, bit for bit) and otherwise draws as before. RL loops gain; a single flight
never asks.
"""

from __future__ import annotations

import logging
import pickle
import select
import subprocess
import sys
from pathlib import Path

import numpy as np

from drone_ssl_sim.config import SimSetup
from drone_ssl_sim.scene_plan import ScenePlan
from drone_ssl_sim.worker_process import stop_worker

log = logging.getLogger(__name__)


class ScenePrefetcher:
    """One worker process (started on the first request) drawing plans for generator states asked in advance."""

    def __init__(self, config: SimSetup, directory: str | Path) -> None:
        self._config = config
        self.directory = Path(directory)
        self._worker: subprocess.Popen | None = None
        self._tag = 0
        self._pending: dict[int, dict] = {}  # tag -> generator state asked for, answer not read yet
        self._broken = False
        self.hits = 0
        self.misses = 0

    def request(self, state: dict) -> None:
        """Start drawing the plan of the episode that begins at generator state `state` (bit_generator.state)."""
        if self._broken or state in self._pending.values():
            return
        try:
            worker = self._started()
            self._tag += 1
            pickle.dump(("plan", self._tag, state, str(self.directory)), worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            worker.stdin.flush()
            self._pending[self._tag] = state
        except OSError as error:  # the worker died (or could not start): draw in-process from now on
            self._fail(f"cannot reach the scene worker ({error})")

    def take(self, rng: np.random.Generator) -> ScenePlan | None:
        """The plan drawn for `rng`'s current state, with `rng` advanced past its draws; None if none was asked for.

        Waits for the worker if it is still drawing that plan. Answers for states that did not come true are thrown
        away (with their texture files) without waiting for them.
        """
        state = rng.bit_generator.state
        wanted = next((tag for tag, asked in self._pending.items() if asked == state), None)
        if wanted is None:
            self._drain(block=False)
            if self._pending or self.hits or self.misses:
                self.misses += 1
            return None
        plan = self._drain(block=True, until=wanted)
        if plan is None:
            return None
        self.hits += 1
        rng.bit_generator.state = plan.rng_state
        return plan

    def close(self) -> None:
        """Stop the worker (it ends at end of input) and delete the texture files of answers never taken."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        stop_worker(worker)
        for leftover in self.directory.glob("prefetch*.bmp"):
            leftover.unlink(missing_ok=True)
        self._pending.clear()

    def _started(self) -> subprocess.Popen:
        if self._worker is None:
            self._worker = subprocess.Popen(
                [sys.executable, "-m", "drone_ssl_sim.scene_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            pickle.dump(("config", self._config), self._worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._worker.stdin.flush()
        return self._worker

    def _drain(self, block: bool, until: int | None = None) -> ScenePlan | None:
        """Read answers (all that are ready, or up to tag `until`); returns the plan of `until` if it was read."""
        worker = self._worker
        while worker is not None and self._pending:
            if not block and not select.select([worker.stdout], [], [], 0.0)[0]:
                return None
            try:
                kind, tag, payload = pickle.load(worker.stdout)
            except (EOFError, OSError, pickle.UnpicklingError) as error:
                self._fail(f"the scene worker stopped answering ({error or 'end of output'})")
                return None
            self._pending.pop(tag, None)
            if tag == until:
                return payload if kind == "plan" else None  # an error: drawing in-process raises it properly
            if kind == "plan":
                for name in payload.texture_files:
                    Path(name).unlink(missing_ok=True)
        return None

    def _fail(self, why: str) -> None:
        log.warning("%s; drawing scenes in-process from now on", why)
        self._broken = True
        self.close()
