"""`FlightLogWriter`: the flight loop hands frames and events over; a background thread encodes and writes them."""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from drone_ssl.flightlog import channels
from drone_ssl.flightlog.channels import ChannelSpec
from drone_ssl.flightlog.encode import MessageEncoder
from drone_ssl.flightlog.errors import FlightLogError
from drone_ssl.flightlog.images import depth_to_png16
from drone_ssl.flightlog.jsonable import record_payload
from drone_ssl.flightlog.live import LiveServer
from drone_ssl.flightlog.mcap_sink import LOG_TIME_ORIGIN, McapSink
from drone_ssl.flightlog.transforms import CameraRig
from drone_ssl.types import Command, Observation

if TYPE_CHECKING:  # the writer only reads their fields; importing drone_ssl.mono would load torch
    from drone_ssl.arbiter import Decision, OverrideEvent, PhaseSwitch
    from drone_ssl.learner.metrics import ValidationMetrics
    from drone_ssl.mono.reading import MonoReading
    from drone_ssl.stereo.reading import StereoReading
    from drone_ssl.types import Evaluation

# One queue item: the messages of one frame or one event (flight time ns, sequence, body). A uint8 array is an
# image, a uint16 array a depth map, a DroneState the state with its transforms; MessageEncoder encodes them.
Pending = list[tuple[ChannelSpec, int, int, object]]
_STOP = None
_PUT_POLL_S = 0.2  # a blocked put wakes this often to notice a writer thread that died


def _time_ns(t: float) -> int:
    if not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0:
        raise FlightLogError(f"log time t={t!r} must be a finite number of seconds >= 0 (the flight time)")
    return round(t * 1e9)


def _image(array: Any, name: str) -> np.ndarray:
    if not isinstance(array, np.ndarray) or array.ndim != 2 or array.dtype != np.uint8:
        got = f"shape {array.shape} dtype {array.dtype}" if isinstance(array, np.ndarray) else type(array).__name__
        raise FlightLogError(f"the {name} image must be a 2-D uint8 array, got {got}")
    return array.copy()  # the caller may reuse its buffer before the writer thread encodes it


class FlightLogWriter:
    """Writes one flight to an MCAP file and/or a live Foxglove server; use as a context manager (closing
    finishes the file's index).

    Every call returns at once: encoding (PNG, JSON) and disk writes happen in a background thread fed through
    a bounded queue. When the queue is full the call waits (default; nothing is lost, the simulator's lock-step
    wants that) or, with `drop_when_full`, drops the frame and logs the count (a real flight must not stall).
    Data reach the OS in chunks of `chunk_period_s`, so a process killed at any moment leaves a readable file
    missing at most about that much. `config_yaml` is stored as the attachment config.yaml, `model_versions` and
    `metadata` as MCAP metadata records (values that are not strings are stored as JSON text). The log methods
    may be called from several threads (the flight loop, a background learner).

    Times: each message's log time is the wall clock at the writer's start (`origin_ns`, stored as flight
    metadata) plus its flight time, so logs line up with anything else recorded; JSON messages also carry the
    flight time itself. `rig` (the stereo calibration and its mount) adds the camera models and the
    body -> camera transforms Foxglove's 3D panel needs. `live` publishes every message to a `LiveServer` too
    (closing the writer stops it); `path=None` logs to the live server only.
    """

    def __init__(
        self,
        path: str | Path | None,
        config_yaml: str,
        model_versions: Mapping[str, object],
        metadata: Mapping[str, object],
        *,
        depth_maps: bool = False,
        chunk_period_s: float = 1.0,
        compression: str = "zstd",
        png_level: int = 1,
        queue_items: int = 100,
        drop_when_full: bool = False,
        rig: CameraRig | None = None,
        live: LiveServer | None = None,
        origin_ns: int | None = None,
    ) -> None:
        if path is None and live is None:
            raise FlightLogError("a flight log needs a file path, a live server or both")
        self.path = None if path is None else Path(path)
        self.origin_ns = time.time_ns() if origin_ns is None else int(origin_ns)
        self._depth_maps = depth_maps
        self._drop_when_full = drop_when_full
        self._encoder = MessageEncoder(self.origin_ns, rig, png_level)
        self._live = live
        metadata = {**metadata, LOG_TIME_ORIGIN: str(self.origin_ns)}
        self._sink = (
            None
            if self.path is None
            else McapSink(self.path, config_yaml, model_versions, metadata, chunk_period_s, compression)
        )
        self._queue: queue.Queue[Pending | None] = queue.Queue(maxsize=queue_items)
        self._error: BaseException | None = None
        self._closed = False
        self._frame_index = 0  # frames offered, logged or dropped: the MCAP sequence of a frame's messages
        self._frames_logged = 0
        self._dropped = 0
        self._dropped_reported = 0
        self._event_counts: dict[str, int] = {}
        self._last_ns = 0
        self._thread_cpu_s = 0.0  # the writer thread's CPU time encoding, writing and serving
        self._lock = threading.Lock()  # the counters and the order of submissions
        self._thread = threading.Thread(target=self._run, name="flight-log", daemon=True)
        self._thread.start()

    # -- the flight loop's side -------------------------------------------------------------------------------
    def log_frame(
        self,
        observation: Observation,
        stereo: StereoReading | None = None,
        mono: MonoReading | None = None,
        decision: Decision | None = None,
        command: Command | None = None,
        ground_truth: Evaluation | Mapping[str, object] | None = None,
    ) -> bool:
        """Log one frame: the readings, the arbiter's decision and the command; `ground_truth` (simulator truth)
        is kept on its own evaluation-only channel. Returns False if the frame was dropped."""
        t_ns = _time_ns(observation.t)
        with self._lock:
            return self._log_frame(t_ns, observation, stereo, mono, decision, command, ground_truth)

    def _log_frame(
        self,
        t_ns: int,
        observation: Observation,
        stereo: StereoReading | None,
        mono: MonoReading | None,
        decision: Decision | None,
        command: Command | None,
        ground_truth: Evaluation | Mapping[str, object] | None,
    ) -> bool:
        seq = self._frame_index
        self._frame_index += 1
        pending: Pending = [(channels.LEFT, t_ns, seq, _image(observation.left, "left"))]
        if observation.right is not None:
            pending.append((channels.RIGHT, t_ns, seq, _image(observation.right, "right")))
        pending.append((channels.STATE, t_ns, seq, observation.state))
        if stereo is not None:
            pending.append((channels.STEREO, t_ns, seq, channels.STEREO.payload(stereo)))
            depth = getattr(stereo, "depth_m", None)
            if self._depth_maps and depth is not None:
                pending.append((channels.STEREO_DEPTH, t_ns, seq, depth_to_png16(depth)))
        if mono is not None:
            pending.append((channels.MONO, t_ns, seq, channels.MONO.payload(mono)))
        if decision is not None:
            pending.append((channels.PHASE, t_ns, seq, channels.PHASE.payload(decision)))
        if command is not None:
            pending.append((channels.COMMAND, t_ns, seq, channels.COMMAND.payload(command)))
        if ground_truth is not None:
            pending.append((channels.GROUND_TRUTH, t_ns, seq, record_payload(ground_truth)))
        logged = self._submit(pending, t_ns)
        self._frames_logged += logged
        return logged

    def log_override(self, t: float, override: OverrideEvent) -> bool:
        """The arbiter overrode the flying cue (e.g. stereo training wheels forced an avoidance)."""
        return self._event(channels.OVERRIDE, t, channels.OVERRIDE.payload(override))

    def log_phase_switch(self, t: float, switch: PhaseSwitch) -> bool:
        return self._event(channels.PHASE_SWITCH, t, channels.PHASE_SWITCH.payload(switch))

    def log_collision(self, t: float, collision: Mapping[str, object]) -> bool:
        """A collision from simulator ground truth: stored as evaluation-only."""
        return self._event(channels.COLLISION, t, collision)

    def log_link(self, t: float, event: str | Mapping[str, object]) -> bool:
        """Link lost / restored (a name or a dict with details)."""
        return self._event(channels.LINK, t, {"event": event} if isinstance(event, str) else event)

    def log_emergency(self, t: float, event: Mapping[str, object]) -> bool:
        """The drone stopped flying by itself (motors cut, emergency, an unasked landing): a dict with the reason."""
        return self._event(channels.EMERGENCY, t, event)

    def log_learner(self, t: float, metrics: ValidationMetrics | Mapping[str, object]) -> bool:
        """Learner metrics (losses, test error, model version published), a dict or dataclass."""
        return self._event(channels.LEARNER, t, metrics)

    @property
    def thread_cpu_s(self) -> float:
        """CPU seconds the writer thread has spent encoding, writing and serving (the log's cost to the drone)."""
        return self._thread_cpu_s

    @property
    def dropped(self) -> int:
        """Frames and events dropped because the writer was behind (only with `drop_when_full`)."""
        return self._dropped

    def close(self) -> None:
        """Write what is queued, then the file's summary; raises FlightLogError if writing failed."""
        with self._lock:
            if self._closed:
                return
            end = {"event": "end", "frames": self._frames_logged, "dropped": self._dropped}
            self._closed = True
            if self._thread.is_alive():
                self._put([(channels.FLIGHT, self._last_ns, self._next_event(channels.FLIGHT), end)])
                self._put(_STOP)
        self._thread.join()
        if self._live is not None:
            self._live.close()
        if self._error is not None:
            raise self._failure()

    def __enter__(self) -> FlightLogWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
            return
        # The error already on its way out says more than a log that could not be finished.
        with contextlib.suppress(FlightLogError):
            self.close()

    # -- internals --------------------------------------------------------------------------------------------
    def _event(self, spec: ChannelSpec, t: float, value: object) -> bool:
        t_ns = _time_ns(t)
        payload = record_payload(value)
        with self._lock:
            return self._submit([(spec, t_ns, self._next_event(spec), payload)], t_ns)

    def _next_event(self, spec: ChannelSpec) -> int:
        n = self._event_counts.get(spec.topic, 0)
        self._event_counts[spec.topic] = n + 1
        return n

    def _submit(self, pending: Pending, t_ns: int) -> bool:
        """Queue one frame's or event's messages; the caller holds the lock."""
        if self._closed:
            raise FlightLogError(f"flight log {self.path} is closed; log before closing it")
        if self._dropped > self._dropped_reported:
            dropped = {"event": "dropped", "count": self._dropped - self._dropped_reported}
            pending.insert(0, (channels.FLIGHT, t_ns, self._next_event(channels.FLIGHT), dropped))
        if self._drop_when_full:
            self._raise_if_failed()
            try:
                self._queue.put_nowait(pending)
            except queue.Full:
                self._dropped += 1
                return False
        else:
            self._put(pending)
        self._dropped_reported = self._dropped
        self._last_ns = max(self._last_ns, t_ns)
        return True

    def _put(self, item: Pending | None) -> None:
        while True:
            self._raise_if_failed()
            try:
                self._queue.put(item, timeout=_PUT_POLL_S)
                return
            except queue.Full:
                continue

    def _raise_if_failed(self) -> None:
        if self._error is not None or not self._thread.is_alive():
            raise self._failure()

    def _failure(self) -> FlightLogError:
        where = self.path or (self._live and self._live.url)
        return FlightLogError(f"writing flight log {where} failed: {self._error}; check the disk (space, access)")

    # -- the writer thread ------------------------------------------------------------------------------------
    def _run(self) -> None:
        sink, live, origin = self._sink, self._live, self.origin_ns
        try:
            while True:
                try:
                    item = self._queue.get(timeout=None if sink is None else sink.seconds_until_wall_flush())
                except queue.Empty:
                    if sink is not None:
                        sink.flush()  # nothing new for a while: do not hold the last messages back
                    continue
                if item is _STOP:
                    break
                started = time.thread_time()
                for spec, t_ns, seq, body in item:
                    for out_spec, data in self._encoder.encode(spec, t_ns, body):
                        if sink is not None:
                            sink.write(out_spec, origin + t_ns, seq, data)
                        if live is not None:
                            live.publish(out_spec, origin + t_ns, data)
                if sink is not None:
                    sink.flush_if_due(origin + item[-1][1])
                self._thread_cpu_s += time.thread_time() - started
        except BaseException as e:  # handed to the flight loop on its next call
            self._error = e
        finally:
            try:
                if sink is not None:
                    sink.close()
            except Exception as e:  # finishing after a failure may fail again; the first error is the story
                self._error = self._error or e
