"""Render the right camera in a second process while this one renders the left: two cores for one stereo frame.

PyBullet renders one camera at a time and holds the GIL, so concurrency needs a second process holding the same
scene: it builds the same ScenePlan in its own client (same bodies, same texture files, same renderer), so its
image is the one this process would have rendered, bit for bit. It pays off where a core is idle (RL rollouts);
in the learning loop the second core trains the CNN, so SimDrone leaves it off unless asked.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np

from drone_ssl_sim.config import SimSetup
from drone_ssl_sim.lighting import Lighting
from drone_ssl_sim.scene_plan import ScenePlan
from drone_ssl_sim.worker_process import stop_worker

log = logging.getLogger(__name__)


class RenderPeer:
    """The right camera's renderer in a worker process; `broken` once it failed (the caller renders itself then)."""

    def __init__(self, config: SimSetup) -> None:
        self._shape = (config.camera.height, config.camera.width)
        self._worker: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "drone_ssl_sim.render_peer_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.broken = False
        self._unread: list[str] = []
        self._send(("config", config))

    def load(self, plan: ScenePlan) -> bool:
        """Build `plan`'s scene in the peer, which reads its texture files and deletes them; False if it is gone."""
        self._unread += plan.texture_files  # read for sure once an image comes back (messages are in order)
        return self._send(("scene", plan))

    def request(self, eye: np.ndarray, rotation: np.ndarray, lighting: Lighting) -> bool:
        """Start rendering the camera at `eye` (world, m) looking along `rotation`'s x; False if the peer is gone."""
        return self._send(("shoot", tuple(eye.tolist()), tuple(rotation.ravel().tolist()), lighting))

    def result(self) -> np.ndarray | None:
        """The grey image asked for by the last request, or None if the peer failed (render it yourself)."""
        if self._worker is None:
            return None
        size = self._shape[0] * self._shape[1]
        data = self._worker.stdout.read(size)
        if len(data) != size:
            self._fail("the render peer stopped answering")
            return None
        self._unread = []
        return np.frombuffer(data, dtype=np.uint8).reshape(self._shape)

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        stop_worker(worker)

    def _send(self, message: tuple) -> bool:
        if self._worker is None:
            return False
        try:
            pickle.dump(message, self._worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._worker.stdin.flush()
            return True
        except OSError as error:
            self._fail(f"cannot reach the render peer ({error})")
            return False

    def _fail(self, why: str) -> None:
        log.warning("%s; rendering both cameras in-process from now on", why)
        self.broken = True
        self.close()
        for name in self._unread:  # texture files it may never have read
            Path(name).unlink(missing_ok=True)
        self._unread = []
