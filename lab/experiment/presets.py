"""The grids `scripts/experiment.py` offers: --quick (a smoke check), the default, and --full."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl_lab.experiment.grid import CONDITIONS, ESTIMATORS, FlightSettings, Grid

# --quick learns in seconds instead of minutes and calls obstacles from further away (more "obstacle" labels in
# a short window), so that every path (switch, stereo cut, transfer) runs in a 15-second flight; its figures
# check the machinery and say nothing about the method.
FAST_LEARNING = (
    "learner.validation_window=30",
    "learner.buffer_size=300",
    "learner.min_samples=16",
    "learner.batch_size=8",
    "learner.steps_per_sim_s=5",
    "learner.publish_every_s=2",
    "learner.validate_every_s=1",
    "arbiter.switch_min_samples=15",
    "arbiter.switch_min_obstacles=1",
    "arbiter.switch_max_mse_log=5",
    "arbiter.fallback_max_mse_log=10",
    "arbiter.min_dwell_s=1",
    "perception.avoid_distance_m=1.5",
)


@dataclass(frozen=True)
class Preset:
    seeds: int
    duration_s: float
    cut_delay_s: float
    window_s: float
    overrides: tuple[str, ...] = ()
    note: str = ""

    def grid(
        self,
        seeds: tuple[int, ...] | None = None,
        duration_s: float | None = None,
        conditions: tuple[str, ...] = CONDITIONS,
        estimators: tuple[str, ...] = ESTIMATORS,
        overrides: tuple[str, ...] = (),
        config_text: str | None = None,
        window_s: float | None = None,
        cut_delay_s: float | None = None,
    ) -> Grid:
        """This preset's grid, with whatever the caller chose instead (None: the preset's value)."""
        settings = FlightSettings(
            duration_s=self.duration_s if duration_s is None else duration_s,
            cut_delay_s=self.cut_delay_s if cut_delay_s is None else cut_delay_s,
            overrides=(*self.overrides, *overrides),
            config_text=config_text,
        )
        return Grid(
            conditions=conditions,
            estimators=estimators,
            seeds=tuple(range(self.seeds)) if seeds is None else seeds,
            settings=settings,
            window_s=self.window_s if window_s is None else window_s,
            notes=(self.note,) if self.note else (),
        )


PRESETS = {
    "quick": Preset(
        seeds=2,
        duration_s=15.0,
        cut_delay_s=2.0,
        window_s=3.0,
        overrides=FAST_LEARNING,
        note="--quick: 15 s flights with a fast-learning config (the overrides above): a check that the machinery "
        "works end to end; these figures say nothing about the method.",
    ),  # fmt: skip
    "default": Preset(seeds=4, duration_s=240.0, cut_delay_s=30.0, window_s=30.0),
    "full": Preset(seeds=10, duration_s=1200.0, cut_delay_s=60.0, window_s=60.0),
}
