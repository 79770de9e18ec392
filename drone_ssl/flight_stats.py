"""Running statistics of one flight: time, distance, pace, coverage and collisions per phase, overrides."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from drone_ssl.arbiter import Decision, Phase
from drone_ssl.types import DroneState


@dataclass
class FrameTrace:
    """What the plots need of one frame."""

    t: float
    phase: str
    position: tuple[float, float, float] | None
    stereo_m: float  # NaN where stereo gave no label
    mono_m: float  # NaN where mono gave no reading
    true_m: float  # NaN without ground truth
    collisions: int  # total so far (ground truth; NaN-free: 0 without)


CELL_M = 0.5  # the floor cells coverage counts: a drone turning on the spot covers one


@dataclass
class FlightStats:
    """Accumulates the summary figures frame by frame; a frame counts for the time since the previous one
    (`frame_period_s` for the first), so a real drone's uneven frame rate is timed right too."""

    frame_period_s: float
    time_in_phase_s: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    collisions_by_phase: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    collisions: int = 0
    overrides: int = 0
    frames: int = 0
    mono_frames: int = 0  # frames flown on mono (MONO or MONO_ONLY)
    stereo_labels: int = 0
    distance_flown_m: float = 0.0
    flight_time_s: float = 0.0
    switch_time_s: float | None = None  # flight time of the learned switch (the clock of the log and its events)
    first_t: float | None = None
    last_t: float = 0.0
    distance_by_phase_m: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    frames_by_phase: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    forward_frames_by_phase: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # flying ahead
    cells: set[tuple[int, int]] = field(default_factory=set)  # CELL_M floor cells visited (known positions only)
    cells_by_phase: dict[str, set[tuple[int, int]]] = field(default_factory=lambda: defaultdict(set))
    trace: list[FrameTrace] = field(default_factory=list)
    _last_position: tuple[float, float] | None = None

    def add(
        self,
        t: float,
        decision: Decision,
        state: DroneState,
        stereo_m: float | None,
        mono_m: float | None,
        true_m: float | None,
        collisions_total: int | None,
        forward: bool = False,
    ) -> None:
        """Count one frame; `forward`: its command flew ahead (`Command.flies_ahead`), not stopping or turning."""
        interval_s = None if self.first_t is None else t - self.last_t  # since the previous frame
        dt = self.frame_period_s if interval_s is None else interval_s
        if self.first_t is None:
            self.first_t = t
        phase = decision.phase.value
        self.frames += 1
        self.frames_by_phase[phase] += 1
        self.forward_frames_by_phase[phase] += int(forward)
        self.last_t = t
        self.time_in_phase_s[phase] += dt
        self.flight_time_s += dt
        if decision.phase in (Phase.MONO, Phase.MONO_ONLY):
            self.mono_frames += 1
        if decision.override_event is not None:
            self.overrides += 1
        switch = decision.switch
        learned = switch is not None and switch.previous is Phase.STEREO and switch.phase is Phase.MONO
        if learned and self.switch_time_s is None:  # the learned switch, not a return from MONO_ONLY
            self.switch_time_s = t  # flight time, the log's and --cut-stereo-at's clock (not since the first frame)
        if stereo_m is not None:
            self.stereo_labels += 1
        if collisions_total is not None and collisions_total > self.collisions:
            self.collisions_by_phase[phase] += collisions_total - self.collisions
            self.collisions = collisions_total
        self._add_distance(phase, state, interval_s)
        nan = math.nan
        self.trace.append(
            FrameTrace(
                t,
                phase,
                state.position,
                nan if stereo_m is None else stereo_m,
                nan if mono_m is None else mono_m,
                nan if true_m is None else true_m,
                self.collisions,
            )
        )

    def _add_distance(self, phase: str, state: DroneState, interval_s: float | None) -> None:
        """Distance since the previous frame (`interval_s` ago; None on the first frame, which adds none), counted
        to this frame's phase; the floor cell it is in."""
        step = 0.0
        if state.position is not None:
            x, y = state.position[0], state.position[1]
            if self._last_position is not None:
                step = math.hypot(x - self._last_position[0], y - self._last_position[1])
            self._last_position = (x, y)
            cell = (math.floor(x / CELL_M), math.floor(y / CELL_M))
            self.cells.add(cell)
            self.cells_by_phase[phase].add(cell)
        elif interval_s is not None:  # a real drone without positioning: integrate the navdata speed
            step = math.hypot(state.velocity[0], state.velocity[1]) * interval_s
        self.distance_flown_m += step
        self.distance_by_phase_m[phase] += step

    def metres_per_minute(self, phases: tuple[str, ...]) -> float | None:
        """Pace over the time spent in `phases`; None when none was."""
        seconds = sum(self.time_in_phase_s.get(p, 0.0) for p in phases)
        return None if seconds <= 0 else 60.0 * sum(self.distance_by_phase_m.get(p, 0.0) for p in phases) / seconds

    def forward_share(self, phases: tuple[str, ...]) -> float | None:
        """Share of the frames in `phases` on which the behaviour flew ahead; None without frames."""
        frames = sum(self.frames_by_phase.get(p, 0) for p in phases)
        return None if frames == 0 else sum(self.forward_frames_by_phase.get(p, 0) for p in phases) / frames

    def per_hundred_metres(self, phases: tuple[str, ...]) -> float | None:
        """Collisions per 100 m flown in `phases`; None when nothing was flown there."""
        metres = sum(self.distance_by_phase_m.get(p, 0.0) for p in phases)
        return None if metres <= 0 else 100.0 * sum(self.collisions_by_phase.get(p, 0) for p in phases) / metres

    def per_ten_minutes(self, phase: str) -> float | None:
        """Collisions per 10 minutes spent in `phase`; None when no time was spent there."""
        seconds = self.time_in_phase_s.get(phase, 0.0)
        return None if seconds <= 0 else 600.0 * self.collisions_by_phase.get(phase, 0) / seconds
