"""`OnlineLearner`: learns the mono estimator from stereo labels while flying, in sim time or in a thread."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from pathlib import Path

import numpy as np

from drone_ssl.config.learner import LearnerConfig
from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.errors import DroneSSLError
from drone_ssl.learner.backends import TrainingBackend
from drone_ssl.learner.buffer import Sample
from drone_ssl.learner.metrics import ValidationMetrics, validation_metrics
from drone_ssl.learner.training_process import TrainerHungError, TrainingProcessError
from drone_ssl.mono.checkpoint import stamp_threshold
from drone_ssl.mono.reading import MonoReading
from drone_ssl.stereo.reading import StereoReading

STOP_TIMEOUT_S = 10.0  # the flight has landed by then: a hung trainer delays the save, never the landing


class OnlineLearner:
    """Self-supervised: it sees the left image and the stereo reading, never ground truth.

    Every labelled frame enters a validation window of the most recent samples (never trained on); when it
    leaves the window it joins the training set. In the simulator `advance(t)` runs a fixed amount of training
    per simulated second, so a flight does not depend on the machine's speed or load; on a real drone
    `start()` trains in a background thread and publishes new weights without ever blocking inference.
    """

    def __init__(
        self,
        config: LearnerConfig,
        perception: PerceptionConfig,
        backend: TrainingBackend,
        given_model: bool = False,
        clear_level_m: float | None = None,
    ) -> None:
        """`given_model`: the estimator starts from trained weights (--model), which count as round 1, so the
        first held-out window in a new room can already validate them. `clear_level_m`: the stereo distance a
        turn ends at; each window carries it into mono's scale."""
        self.config = config
        self.perception = perception
        self.backend = backend
        self.window: deque[Sample] = deque(maxlen=config.validation_window)
        self.history: list[ValidationMetrics] = []
        self.rounds = 1 if given_model else 0  # trained weights in use so far (0: untrained)
        self.steps = 0  # training steps done
        self.samples = 0  # labelled frames observed
        self.clear_level_m = clear_level_m
        self.error: BaseException | None = None  # what stopped the background thread, if anything
        self.stuck = False  # the trainer did not answer within a stop's timeout: nothing more is asked of it
        self._next_step_t: float | None = None
        self._next_publish_t: float | None = None
        self._next_validate_t: float | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def latest(self) -> ValidationMetrics | None:
        return self.history[-1] if self.history else None

    def observe(
        self,
        t: float,
        left: np.ndarray,
        stereo: StereoReading | None,
        mono: MonoReading | None,
        priority: bool = False,
        mono_flew: bool = False,
        decision_m: tuple[float | None, float | None] | None = None,
    ) -> bool:
        """Offer one frame; it becomes a sample when stereo gives a label. Returns whether it was taken.
        `mono_flew`: mono's decision flew this frame (its path then depends on what mono said). `decision_m`:
        (mono's, stereo's) distance as the arbiter's obstacle decision compared them this frame: the window is
        scored on these, so what is validated is what flies; None: the central distances."""
        if stereo is None or stereo.distance_m is None or not math.isfinite(stereo.distance_m):
            return False
        mono_m = mono.distance_m if mono is not None and mono.distance_m is not None else math.nan
        mono_ahead, stereo_ahead = (mono_m, stereo.distance_m) if decision_m is None else decision_m
        sample = Sample(
            t,
            left,
            float(stereo.distance_m),
            stereo.depth_m,
            float(mono_m),
            self.rounds,
            priority,
            mono_decision_m=math.nan if mono_ahead is None else float(mono_ahead),
            stereo_decision_m=math.nan if stereo_ahead is None else float(stereo_ahead),
            mono_flew=mono_flew,
        )
        leaving = self.window[0] if len(self.window) == self.window.maxlen else None
        self.window.append(sample)
        if leaving is not None:
            self.backend.add(leaving)
        self.samples += 1
        return True

    # -- lock-step (simulator) ----------------------------------------------------------------------------------
    def advance(self, t: float) -> None:
        """Lock-step mode: the training, publishing and validation due by simulated time `t`.

        The gradient steps due now are started and run while the caller goes on (rendering, matching); a publish
        first waits for every step started before it, so results depend on simulated time only, never on how
        fast either side ran.
        """
        if self._next_step_t is None or self._next_publish_t is None:
            self._next_step_t = self._next_publish_t = t
        while self._next_publish_t <= t:
            if self.backend.has_news():
                self._publish(wait=True)
            self._next_publish_t += self.config.publish_every_s
        due = 0
        if self.config.steps_per_sim_s > 0:
            while self._next_step_t <= t:
                due += 1
                self._next_step_t += 1.0 / self.config.steps_per_sim_s
        if due:
            self.backend.run_steps(due)
        self.validate_if_due(t)

    # -- both modes ---------------------------------------------------------------------------------------------
    def validate_if_due(self, t: float) -> None:
        """Recompute the validation metrics every `validate_every_s` (cheap: no inference). A training process
        the background thread found hung or dead ends the flight here, at the next frame, in its own words."""
        if isinstance(self.error, TrainingProcessError):
            raise type(self.error)(str(self.error))
        if self._next_validate_t is None:
            self._next_validate_t = t
        while self._next_validate_t <= t:
            self.validate(t)
            self._next_validate_t += self.config.validate_every_s

    def validate(self, t: float) -> ValidationMetrics | None:
        """Score the mono estimates made by trained weights over the held-out window (with a re-chosen threshold)."""
        scored = [s for s in self.window if s.mono_round >= 1]
        if not scored:
            return None
        mono = np.array([s.mono_decision_m for s in scored])
        stereo = np.array([s.stereo_decision_m for s in scored])
        avoid_m, target = self.perception.avoid_distance_m, self.config.target_tpr
        metrics = validation_metrics(t, self.rounds, mono, stereo, avoid_m, target, clear_level_m=self.clear_level_m)
        self.history.append(metrics)
        return metrics

    def save(self, folder: Path) -> Path:
        """Write the trained model into `folder` (after the steps started so far); returns its path."""
        path = Path(folder) / self.backend.model_file
        self.backend.save(path)
        latest = self.latest
        if path.suffix == ".pt" and latest is not None:  # the threshold this flight validated goes with the weights
            stamp_threshold(path, latest.threshold_m)
        return path

    # -- real time (real drone) ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Real-time mode: train continuously in a background thread, publishing every `publish_every_s`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="online-learner", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float | None = STOP_TIMEOUT_S) -> None:
        """Stop training (both modes) within `timeout_s`; what was learned stays and can still be saved.

        A trainer that does not answer in time is recorded in `error` and marked `stuck` (never waited for
        again, nor asked to save); raising here would hide why the flight ended."""
        if self.stuck:
            return
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                self.stuck = True
                self.error = self.error or TimeoutError(f"the learner did not stop within {timeout_s:g} s")
                return
            self._thread = None
        if self.error is None or self.backend.alive:
            try:
                self.steps = self.backend.sync(timeout_s)
            except DroneSSLError as exc:
                self.stuck = isinstance(exc, TrainerHungError) or self.backend.alive  # alive but silent: hung
                self.error = self.error or exc
        self.stuck = self.stuck or isinstance(self.error, TrainerHungError)  # the background thread found it hung

    def close(self, timeout_s: float | None = STOP_TIMEOUT_S) -> None:
        """Stop (within `timeout_s`) and release the training process or threads."""
        self.stop(timeout_s)
        self.backend.close()

    def _run(self) -> None:
        last_publish = time.monotonic()
        try:
            while not self._stop.is_set():
                before = self.steps
                self.backend.run_steps(1)
                self.steps = self.backend.sync()
                if self.steps == before:
                    self._stop.wait(0.05)  # nothing to learn from yet
                if time.monotonic() - last_publish >= self.config.publish_every_s:
                    last_publish = time.monotonic()
                    if self.backend.has_news():
                        self._publish(wait=False)
        except Exception as exc:  # kept for the pilot: a hung or dead trainer ends the flight at the next frame
            self.error = exc

    def _publish(self, wait: bool) -> None:
        self.steps = self.backend.sync()
        self.backend.publish(wait)
        self.rounds += 1
