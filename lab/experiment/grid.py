"""The experiment grid: conditions x estimators x seeded rooms, the flight settings they share, presets, shards."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from drone_ssl_lab.experiment.errors import ExperimentError

# What each condition flies (fly.py --strategy). persistent_cut and transfer build on the persistent run:
# persistent_cut cuts stereo a fixed delay after that run's own switch time (a flight repeats bit for bit for a
# seed on one machine and kernel set, so it replays that run exactly up to the cut); transfer starts from the
# model that run saved and flies it, still as `persistent`, in the next seed's room (unseen textures and layout).
STRATEGY_OF = {
    "stereo": "stereo",
    "naive": "naive",
    "persistent": "persistent",
    "persistent_cut": "persistent",
    "transfer": "persistent",
}
CONDITIONS = tuple(STRATEGY_OF)
ESTIMATORS = ("cnn", "textons")  # the same names as drone_ssl.stack.ESTIMATORS (not imported: it loads torch)
SOURCE_CONDITION = "persistent"
DEPENDENT_CONDITIONS = ("persistent_cut", "transfer")
# Flight processes a run occupies: a CNN flight trains in a child process beside the flight loop.
PROCESSES = {"cnn": 2, "textons": 1}
# Keys the grid itself sets on every run: an override of them would silently break the design.
GRID_KEYS = ("sim.seed", "arbiter.strategy")


@dataclass(frozen=True, order=True)
class RunSpec:
    """One flight of the grid. `source_seed`: the seed of the persistent run it builds on (None: none)."""

    condition: str
    estimator: str
    seed: int
    source_seed: int | None = None

    @property
    def id(self) -> str:
        """The run folder's name, unique in the grid."""
        base = f"{self.condition}-{self.estimator}-seed{self.seed}"
        return f"{base}-from{self.source_seed}" if self.condition == "transfer" else base

    @property
    def strategy(self) -> str:
        return STRATEGY_OF[self.condition]

    @property
    def source(self) -> RunSpec | None:
        """The persistent run whose switch time (cut) or model (transfer) this run needs."""
        return None if self.source_seed is None else RunSpec(SOURCE_CONDITION, self.estimator, self.source_seed)

    @property
    def processes(self) -> int:
        return PROCESSES[self.estimator]

    @property
    def home_seed(self) -> int:
        """The seed that decides its shard: a run always lands in the same shard as the run it builds on."""
        return self.seed if self.source_seed is None else self.source_seed


@dataclass(frozen=True)
class FlightSettings:
    """What every flight of one experiment shares; a runs folder holds flights of one setting only."""

    duration_s: float
    cut_delay_s: float  # persistent_cut: stereo is cut this long after the persistent run's switch
    overrides: tuple[str, ...] = ()  # --set key=value for every flight
    config_text: str | None = None  # the --config file's text, so a changed file is noticed

    def as_dict(self) -> dict:
        return {**asdict(self), "overrides": list(self.overrides)}

    @classmethod
    def from_dict(cls, data: dict) -> FlightSettings:
        return cls(float(data["duration_s"]), float(data["cut_delay_s"]), tuple(data["overrides"]),
                   data.get("config_text"))  # fmt: skip


@dataclass(frozen=True)
class Grid:
    conditions: tuple[str, ...]
    estimators: tuple[str, ...]
    seeds: tuple[int, ...]
    settings: FlightSettings
    window_s: float = 30.0  # the time step of the over-time curves (analysis only, flights do not depend on it)
    notes: tuple[str, ...] = field(default=(), compare=False)  # said in the report (e.g. what a preset changes)

    def __post_init__(self) -> None:
        check_grid(self)

    def runs(self) -> list[RunSpec]:
        """Every flight, those others build on first (so a shard or a pool can start them early)."""
        specs = [RunSpec(c, e, s) for c in self.conditions if c not in DEPENDENT_CONDITIONS
                 for e in self.estimators for s in self.seeds]  # fmt: skip
        if "persistent_cut" in self.conditions:
            specs += [RunSpec("persistent_cut", e, s, s) for e in self.estimators for s in self.seeds]
        if "transfer" in self.conditions:
            specs += [RunSpec("transfer", e, target, source) for e in self.estimators
                      for source, target in transfer_pairs(self.seeds)]  # fmt: skip
        return sorted(specs, key=lambda r: (r.condition != SOURCE_CONDITION, r.source_seed is not None, r))

    def shard(self, index: int, count: int) -> list[RunSpec]:
        """The runs of shard `index` of `count` (1-based): whole seeds, each with the runs built on it."""
        order = {seed: i for i, seed in enumerate(self.seeds)}
        return [r for r in self.runs() if order[r.home_seed] % count == index - 1]


def transfer_pairs(seeds: tuple[int, ...]) -> list[tuple[int, int]]:
    """(learned in, flown in): each room's model flies the next room of the list (the last flies the first)."""
    return [(s, seeds[(i + 1) % len(seeds)]) for i, s in enumerate(seeds)] if len(seeds) > 1 else []


def check_grid(grid: Grid) -> None:
    for name, values, allowed in (("condition", grid.conditions, CONDITIONS),
                                  ("estimator", grid.estimators, ESTIMATORS)):  # fmt: skip
        unknown = [v for v in values if v not in allowed]
        if unknown or not values:
            raise ExperimentError(f"unknown or no {name} {', '.join(unknown)}; choose from: {', '.join(allowed)}")
    if not grid.seeds or len(set(grid.seeds)) != len(grid.seeds) or min(grid.seeds) < 0:
        raise ExperimentError(f"seeds must be distinct non-negative integers, got {list(grid.seeds)}")
    dependent = [c for c in DEPENDENT_CONDITIONS if c in grid.conditions]
    if dependent and SOURCE_CONDITION not in grid.conditions:
        raise ExperimentError(f"{' and '.join(dependent)} build on the persistent runs: add 'persistent' too")
    if "transfer" in grid.conditions and len(grid.seeds) < 2:
        raise ExperimentError("transfer flies a model learned in one room in another: it needs 2 or more seeds")
    s = grid.settings
    if not s.duration_s > 0:
        raise ExperimentError(f"the flight duration must be positive, got {s.duration_s} s")
    if not 0 <= s.cut_delay_s < s.duration_s:
        raise ExperimentError(f"the cut delay must lie in [0, duration), got {s.cut_delay_s} s")
    if not 0 < grid.window_s <= s.duration_s:
        raise ExperimentError(f"the curve window must lie in (0, duration], got {grid.window_s} s")
    for override in s.overrides:
        key = override.split("=", 1)[0].strip()
        if key in GRID_KEYS:
            raise ExperimentError(f"--set {key} is chosen by the grid for each run; use --seeds / --conditions")


def parse_shard(text: str) -> tuple[int, int]:
    """'2/5' -> (2, 5): the second of five shards."""
    try:
        index, count = (int(p) for p in text.split("/"))
    except ValueError:
        raise ExperimentError(f"--shard takes I/N with 1 <= I <= N, e.g. 2/4; got {text!r}") from None
    if not 1 <= index <= count:
        raise ExperimentError(f"--shard takes I/N with 1 <= I <= N, e.g. 2/4; got {text!r}")
    return index, count
