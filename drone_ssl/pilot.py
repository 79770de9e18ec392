"""The pilot loop: once per stereo frame, stereo -> mono -> learner -> arbiter -> behaviour -> command."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from drone_ssl.arbiter import Arbiter, Decision
from drone_ssl.behaviour import Action, AvoidanceBehaviour
from drone_ssl.drone import Drone
from drone_ssl.errors import DroneDownError, LinkLostError
from drone_ssl.flight_stats import FlightStats
from drone_ssl.flight_watch import check_flying
from drone_ssl.flightlog import FlightLogError, FlightLogWriter
from drone_ssl.learner.metrics import ValidationMetrics
from drone_ssl.learner.online import OnlineLearner
from drone_ssl.mono.reading import MonoEstimator, MonoReading
from drone_ssl.stereo.labeler import StereoLabeler
from drone_ssl.stereo.reading import StereoReading
from drone_ssl.types import Evaluation, Observation


class Evaluator(Protocol):
    def __call__(self) -> Evaluation: ...


@dataclass(frozen=True)
class FrameResult:
    """Everything the loop decided on one frame (for the status line, the log and the plots)."""

    observation: Observation
    stereo: StereoReading | None
    mono: MonoReading
    decision: Decision
    action: Action
    evaluation: Evaluation | None


class Pilot:
    """Runs the persistent self-supervised loop on any `Drone`.

    In lock-step mode (the simulator) the learner trains on simulated time inside the loop; otherwise it trains
    in a background thread and the loop never waits for it. `evaluator`, when given, is asked for ground truth
    after each frame; what it says is only counted and logged. A lost link is logged as a link event before
    the `LinkLostError` goes on to the caller; a drone that stops flying by itself (motors cut, emergency, a
    landing nobody asked for) ends the flight at that frame, logged as an emergency event, as `DroneDownError`.
    """

    def __init__(
        self,
        drone: Drone,
        labeler: StereoLabeler,
        estimator: MonoEstimator,
        learner: OnlineLearner,
        arbiter: Arbiter,
        behaviour: AvoidanceBehaviour,
        frame_period_s: float,
        lock_step: bool,
        evaluator: Evaluator | None = None,
        log: FlightLogWriter | None = None,
    ) -> None:
        self.drone = drone
        self.log = log
        self.labeler = labeler
        self.estimator = estimator
        self.learner = learner
        self.arbiter = arbiter
        self.behaviour = behaviour
        self.lock_step = lock_step
        self.evaluator = evaluator
        self.stats = FlightStats(frame_period_s)
        self._stop_requested = False
        self.landing_started_at: float | None = None  # time.monotonic() when the land command was given
        self._logged_metrics: ValidationMetrics | None = None

    def close(self) -> None:
        """Release the learner's training process; call after saving what it learned."""
        self.learner.close()

    def request_stop(self) -> None:
        """End the flight after the current frame (it lands as always)."""
        self._stop_requested = True

    def fly(
        self,
        duration_s: float,
        cut_stereo_at_s: float | None = None,
        on_frame: Callable[[FrameResult], None] | None = None,
        on_landing: Callable[[], None] | None = None,
    ) -> FlightStats:
        """Take off, fly for `duration_s` (drone time), land. However the flight ends (the end, a request, an
        exception, a signal) the land command goes out first; `on_landing` is called just before it (e.g. to
        keep signals from interrupting the landing); then a lost link is logged, and only then does the learner
        stop, within a timeout. From `cut_stereo_at_s` on (the persistence experiment) every frame goes on
        without its right image, as if the camera were gone."""
        if not self.lock_step:
            self.learner.start()
        last_t: float | None = None  # the latest frame's time: a lost link is logged at it
        lost: LinkLostError | DroneDownError | None = None
        try:
            self.drone.takeoff()
            start: float | None = None
            while True:
                observation = self.drone.read()
                last_t = observation.t
                self._watch(observation)
                start = observation.t if start is None else start
                elapsed = observation.t - start
                if elapsed >= duration_s:
                    break
                if cut_stereo_at_s is not None and elapsed >= cut_stereo_at_s:
                    observation = replace(observation, right=None)
                result = self.step(observation)
                if on_frame is not None:
                    on_frame(result)
                if result.action.land or self._stop_requested:
                    break
        except (LinkLostError, DroneDownError) as exc:
            lost = exc
            raise
        finally:
            if on_landing is not None:
                on_landing()
            self.landing_started_at = time.monotonic()
            try:
                self.drone.land()
            finally:
                try:
                    if lost is not None:
                        self._log_flight_lost(last_t, lost)
                finally:
                    self.learner.stop()  # within its timeout: a hung trainer never delays the landing
        return self.stats

    def step(self, observation: Observation) -> FrameResult:
        """One pass of the loop on one frame; sends the command (or nothing when the behaviour asks to land)."""
        t, left, right = observation.t, observation.left, observation.right
        stereo = self.labeler.read(left, right) if right is not None else None  # no right image: no stereo
        mono = self.estimator.predict(left)
        decision = self.arbiter.update(t, stereo, mono, self.learner.latest)
        self.learner.observe(
            t,
            left,
            stereo,
            mono,
            priority=decision.override_event is not None,
            mono_flew=decision.cue == "mono",
            decision_m=(decision.mono_ahead_m, decision.stereo_ahead_m),  # validated as flown
        )
        if self.lock_step:
            self.learner.advance(t)
        else:
            self.learner.validate_if_due(t)
        action = self.behaviour.step(t, decision, observation.state)
        if not action.land:
            self.drone.send(action.command)
        evaluation = self.evaluator() if self.evaluator is not None else None
        collided = evaluation is not None and evaluation.collisions > self.stats.collisions
        if self.log is not None:
            self._log(observation, stereo, mono, decision, action, evaluation, collided)
        self.stats.add(
            t,
            decision,
            observation.state,
            stereo.distance_m if stereo is not None else None,
            mono.distance_m,
            evaluation.nearest_ahead_m if evaluation is not None else None,
            evaluation.collisions if evaluation is not None else None,
            forward=not action.land and action.command.flies_ahead,
        )
        return FrameResult(observation, stereo, mono, decision, action, evaluation)

    def _log(
        self,
        observation: Observation,
        stereo: StereoReading | None,
        mono: MonoReading,
        decision: Decision,
        action: Action,
        evaluation: Evaluation | None,
        collided: bool,
    ) -> None:
        t, log = observation.t, self.log
        command = None if action.land else action.command
        log.log_frame(observation, stereo, mono, decision, command, evaluation)
        if decision.override_event is not None:
            log.log_override(t, decision.override_event)
        if decision.switch is not None:
            log.log_phase_switch(t, decision.switch)
        if collided:
            log.log_collision(t, {"collisions": evaluation.collisions, "phase": decision.phase.value})
        latest = self.learner.latest
        if latest is not None and latest is not self._logged_metrics:
            self._logged_metrics = latest
            log.log_learner(t, latest)

    def _watch(self, observation: Observation) -> None:
        """Once airborne, every frame's state must say the drone flies: after a motor cut or a landing of its own
        nothing more is commanded (the error ends the loop before the frame is flown)."""
        check_flying(observation.state)

    def _log_flight_lost(self, t: float | None, error: LinkLostError | DroneDownError) -> None:
        """Say in the log how the drone was lost and why, at the latest frame's time (0 before the first)."""
        if self.log is None:
            return
        t = 0.0 if t is None else t
        # The error on its way out says more than a log that can no longer take the event.
        with contextlib.suppress(FlightLogError):
            if isinstance(error, DroneDownError):
                self.log.log_emergency(t, {"event": "down", "reason": error.reason})
            else:
                self.log.log_link(t, {"event": "lost", "reason": str(error)})
