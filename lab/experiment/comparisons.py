"""The study's questions: condition A against B on the same seeds, with the verdict the 95% interval allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drone_ssl_lab.experiment.aggregate import FIG, PER_10_MIN, Figure, RunRecord, finished
from drone_ssl_lab.experiment.stats import Estimate, paired_mean_difference, paired_ratio_difference


@dataclass(frozen=True)
class Comparison:
    """A - B on the same seeds, with the verdict the 95% interval of the difference allows."""

    question: str
    a: str
    b: str
    metric: str
    a_value: Estimate
    b_value: Estimate
    difference: Estimate
    verdict: str


def verdict(diff: Estimate, lower: str, higher: str, a: str, b: str) -> str:
    """`lower`/`higher`: what A - B < 0 / > 0 means, e.g. "fewer collisions"."""
    if not diff.defined:
        return f"not measurable: no seed has figures for both {a} and {b}"
    if not diff.has_interval:
        return f"one seed only: {a} - {b} = {diff.value:+.3g}, no interval"
    if diff.high < 0:
        return f"{a} has {lower} than {b} (95% CI of the difference below 0)"
    if diff.low > 0:
        return f"{a} has {higher} than {b} (95% CI of the difference above 0)"
    return f"no difference shown between {a} and {b} at 95% (the CI includes 0)"


def _paired(a: Sequence[RunRecord], b: Sequence[RunRecord]) -> tuple[list[RunRecord], list[RunRecord]]:
    """Finished runs of A and B flown in the same room (seed), in seed order."""
    by_seed = {r.spec.seed: r for r in finished(b)}
    pairs = sorted(((r, by_seed[r.spec.seed]) for r in finished(a) if r.spec.seed in by_seed),
                   key=lambda p: p[0].spec.seed)  # fmt: skip
    return [p[0] for p in pairs], [p[1] for p in pairs]


def compare_rates(
    question: str, a_name: str, a: Sequence[RunRecord], a_fig: Figure,
    b_name: str, b: Sequence[RunRecord], b_fig: Figure, lower: str, higher: str,
) -> Comparison:  # fmt: skip
    """Pooled rates of A and B (each over its own finished runs) and their paired difference (same seeds)."""
    pa, pb = _paired(a, b)

    def column(runs: Sequence[RunRecord], key: str | None) -> list[float]:
        return [r.get(key) for r in runs]

    diff = paired_ratio_difference(column(pa, a_fig.numerator), column(pa, a_fig.denominator),
                                   column(pb, b_fig.numerator), column(pb, b_fig.denominator),
                                   a_fig.scale)  # fmt: skip
    return Comparison(question, a_name, b_name, a_fig.label, a_fig.estimate(finished(a)),
                      b_fig.estimate(finished(b)), diff, verdict(diff, lower, higher, a_name, b_name))  # fmt: skip


def compare_means(
    question: str, a_name: str, a: Sequence[RunRecord], b_name: str, b: Sequence[RunRecord], fig: Figure,
    lower: str, higher: str,
) -> Comparison:  # fmt: skip
    pa, pb = _paired(a, b)
    diff = paired_mean_difference([r.get(fig.value) for r in pa], [r.get(fig.value) for r in pb])
    return Comparison(question, a_name, b_name, fig.label, fig.estimate(finished(a)), fig.estimate(finished(b)),
                      diff, verdict(diff, lower, higher, a_name, b_name))  # fmt: skip


WHOLE_FLIGHT_AS_STEREO = Figure("stereo_only_collisions_per_10min", "collisions / 10 min (stereo-only flight)",
                                numerator="collisions", denominator="sim_time_s", scale=PER_10_MIN)  # fmt: skip


def comparisons(groups: dict[tuple[str, str], list[RunRecord]], estimators: Sequence[str]) -> list[Comparison]:
    """The questions of the study, for whichever conditions the grid flew."""
    out: list[Comparison] = []
    mono = FIG["mono_collisions_per_10min"]
    for e in estimators:
        g = {c: groups.get((c, e), []) for c in ("stereo", "naive", "persistent", "persistent_cut")}
        if g["persistent"] and g["naive"]:
            out.append(compare_rates(
                f"{e}: does persistent SSL with training wheels collide less than naive switching, on mono?",
                f"persistent ({e})", g["persistent"], mono, f"naive ({e})", g["naive"], mono,
                "fewer collisions", "more collisions"))  # fmt: skip
            per_metre = FIG["mono_collisions_per_100m"]
            out.append(compare_rates(
                f"{e}: ... per metre flown on mono (a drone that stays put collides least per minute)?",
                f"persistent ({e})", g["persistent"], per_metre, f"naive ({e})", g["naive"], per_metre,
                "fewer collisions", "more collisions"))  # fmt: skip
            whole = FIG["collisions_per_10min"]
            out.append(compare_rates(
                f"{e}: ... and over the whole flight (stereo phase included)?",
                f"persistent ({e})", g["persistent"], whole, f"naive ({e})", g["naive"], whole,
                "fewer collisions", "more collisions"))  # fmt: skip
        if g["persistent"] and g["stereo"]:
            out.append(compare_rates(
                f"{e}: does the persistent strategy's mono flight collide no more often than stereo-only flight?",
                f"persistent on mono ({e})", g["persistent"], mono, f"stereo only ({e})", g["stereo"],
                WHOLE_FLIGHT_AS_STEREO, "fewer collisions", "more collisions"))  # fmt: skip
            out.append(compare_rates(
                f"{e}: does the persistent strategy fly as far per minute on mono as stereo-only flight?",
                f"persistent on mono ({e})", g["persistent"], FIG["mono_metres_per_minute"], f"stereo only ({e})",
                g["stereo"], FIG["metres_per_minute"], "less ground covered", "more ground covered"))  # fmt: skip
            out.append(compare_rates(
                f"{e}: ... and per metre, does its mono flight collide no more than stereo-only flight?",
                f"persistent on mono ({e})", g["persistent"], FIG["mono_collisions_per_100m"], f"stereo only ({e})",
                g["stereo"], FIG["collisions_per_100m"], "fewer collisions", "more collisions"))  # fmt: skip
        if g["persistent_cut"] and g["persistent"]:
            out.append(compare_rates(
                f"{e}: with stereo cut after the switch, does mono alone collide more than mono with training wheels?",
                f"after the cut ({e})", g["persistent_cut"], FIG["mono_only_collisions_per_10min"],
                f"persistent on mono ({e})", g["persistent"], mono, "fewer collisions", "more collisions"))  # fmt: skip
    if len(estimators) >= 2:
        a, b = estimators[0], estimators[1]
        for c in ("persistent", "naive", "persistent_cut"):
            ga, gb = groups.get((c, a), []), groups.get((c, b), [])
            if not (ga and gb):
                continue
            fig = FIG["mono_only_collisions_per_10min"] if c == "persistent_cut" else mono
            out.append(compare_rates(f"{c}: {a} vs {b}, collisions on mono", f"{a}", ga, fig, f"{b}", gb, fig,
                                     "fewer collisions", "more collisions"))  # fmt: skip
            if c == "persistent":
                out.append(compare_means(f"{c}: {a} vs {b}, mono accuracy against ground truth", a, ga, b, gb,
                                         FIG["mono_gt_final_auc"], "a lower AUC", "a higher AUC"))  # fmt: skip
                out.append(compare_means(f"{c}: {a} vs {b}, time to the switch", a, ga, b, gb,
                                         FIG["switch_time_s"], "an earlier switch", "a later switch"))  # fmt: skip
    return out
