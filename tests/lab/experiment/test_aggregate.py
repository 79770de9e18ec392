"""Aggregation over seeds on hand-made summaries: pooled rates, means, the verdicts, curves and the transfer figures."""

from __future__ import annotations

import math

import pytest
from experiment_fixtures import record, scalars, window

from drone_ssl_lab.experiment.aggregate import curve, group_records, summarise_group
from drone_ssl_lab.experiment.comparisons import comparisons
from drone_ssl_lab.experiment.transfer import summarise_transfer

SEEDS = range(5)


def persistent_and_naive() -> list:
    """Five rooms: naive collides 3 times in each 5 mono minutes, persistent at most once in 5."""
    records = []
    for s in SEEDS:
        records.append(record("naive", "cnn", s, scalars(collisions=3, mono_s=300.0, mono_collisions=3,
                                                         switch_time_s=120.0)))  # fmt: skip
        hit = int(s == 2)
        records.append(record("persistent", "cnn", s, scalars(collisions=hit, mono_s=300.0, mono_collisions=hit,
                                                              switch_time_s=100.0 + s, overrides=s,
                                                              mono_frames=3000)))  # fmt: skip
        records.append(record("stereo", "cnn", s, scalars(collisions=hit)))
    return records


def test_group_figures_pool_events_over_time() -> None:
    groups = group_records(persistent_and_naive())
    naive = summarise_group("naive", "cnn", groups[("naive", "cnn")])
    assert (naive.planned, naive.finished, naive.switched, naive.collisions) == (5, 5, 5, 15)
    assert naive.flight_min == pytest.approx(50.0) and naive.mono_min == pytest.approx(25.0)
    assert naive.figures["mono_collisions_per_10min"].value == pytest.approx(6.0)  # 15 in 25 minutes
    assert naive.figures["stereo_collisions_per_10min"].value == 0.0
    assert naive.figures["collisions_per_10min"].value == pytest.approx(3.0)
    assert naive.figures["min_between_collisions"].value == pytest.approx(50.0 / 15)
    persistent = summarise_group("persistent", "cnn", groups[("persistent", "cnn")])
    switch = persistent.figures["switch_time_s"]
    assert switch.value == pytest.approx(102.0) and switch.low < 102.0 < switch.high and switch.method == "bootstrap"
    assert persistent.figures["override_pct"].value == pytest.approx(100 * 10 / 15000)
    # One collision in 50 minutes; the bootstrap's upper bound says it could be rarer still (no collision at all).
    assert persistent.figures["min_between_collisions"].value == pytest.approx(50.0)
    assert math.isinf(persistent.figures["min_between_collisions"].high)


def test_the_answers_say_whether_persistent_beats_naive_and_stereo() -> None:
    answers = {a.question: a for a in comparisons(group_records(persistent_and_naive()), ["cnn"])}
    mono = answers["cnn: does persistent SSL with training wheels collide less than naive switching, on mono?"]
    assert mono.difference.value == pytest.approx(0.4 - 6.0) and mono.difference.n == 5
    assert mono.difference.high < 0 and "fewer collisions" in mono.verdict
    stereo = next(a for q, a in answers.items() if "stereo-only" in q)
    assert "no difference shown" in stereo.verdict


def test_cnn_versus_textons_pairs_the_same_rooms() -> None:
    records = []
    for s in SEEDS:
        records.append(record("persistent", "cnn", s, scalars(mono_s=300.0, switch_time_s=60.0 + s,
                                                              mono_gt_final_auc=0.90 + 0.01 * s)))  # fmt: skip
        records.append(record("persistent", "textons", s, scalars(mono_s=300.0, switch_time_s=80.0 + s,
                                                                  mono_gt_final_auc=0.80 + 0.01 * s)))  # fmt: skip
    records.append(record("persistent", "textons", 9, scalars(mono_s=300.0, switch_time_s=500.0)))  # no cnn twin
    answers = comparisons(group_records(records), ["cnn", "textons"])
    auc = next(a for a in answers if "accuracy" in a.question)
    assert auc.difference.value == pytest.approx(0.1) and auc.difference.n == 5 and "a higher AUC" in auc.verdict
    switch = next(a for a in answers if "switch" in a.question)
    assert switch.difference.value == pytest.approx(-20.0) and "an earlier switch" in switch.verdict
    assert switch.b_value.n == 6  # each side's own figure uses all its runs; the difference only the pairs


def test_verdicts_when_there_is_too_little_to_say() -> None:
    records = [record("persistent", "cnn", 0, scalars(mono_s=60.0)), record("naive", "cnn", 0, scalars())]
    answers = comparisons(group_records(records), ["cnn"])
    assert "not measurable" in answers[0].verdict  # naive never flew on mono
    records = [record("persistent", "cnn", 0, scalars(mono_s=60.0)), record("naive", "cnn", 0, scalars(mono_s=60))]
    assert "one seed only" in comparisons(group_records(records), ["cnn"])[0].verdict


def test_curves_align_runs_by_window_and_skip_missing_values() -> None:
    records = [
        record("persistent", "cnn", 0, scalars(), [window(0, mono_gt_auc=0.6), window(30, mono_gt_auc=0.8)]),
        record("persistent", "cnn", 1, scalars(), [window(0, mono_gt_auc=0.7), window(30, mono_gt_auc=None)]),
        record("persistent", "cnn", 2, scalars(), [window(0, mono_gt_auc=0.8)]),  # a flight that ended early
    ]
    c = curve(records, "mono_gt_auc", 30.0)
    assert list(c.t) == [15.0, 45.0] and list(c.n) == [3, 1]
    assert c.mean[0] == pytest.approx(0.7) and c.low[0] < 0.7 < c.high[0]
    assert c.mean[1] == pytest.approx(0.8) and math.isnan(c.low[1])


def test_transfer_drop_recovery_and_head_start() -> None:
    def auc_windows(*values: float) -> list:
        return [window(30.0 * i, mono_gt_auc=v, mono_gt_mae_m=1.0 - v) for i, v in enumerate(values)]

    persistent = [
        record("persistent", "cnn", 0, scalars(switch_time_s=100.0, mono_gt_final_auc=0.9, mono_gt_final_mae_m=0.2),
               auc_windows(0.5, 0.6, 0.9)),
        record("persistent", "cnn", 1, scalars(switch_time_s=120.0, mono_gt_final_auc=0.8, mono_gt_final_mae_m=0.3),
               auc_windows(0.5, 0.7, 0.8)),
    ]  # fmt: skip
    transfers = [
        record("transfer", "cnn", 1, scalars(switch_time_s=40.0), auc_windows(0.7, 0.8, 0.86), source_seed=0),
        record("transfer", "cnn", 0, scalars(switch_time_s=50.0), auc_windows(0.6, 0.6, 0.7), source_seed=1),
    ]
    t = summarise_transfer("cnn", transfers, persistent)
    by_seed = {r.seed: r for r in t.runs}
    assert by_seed[1].drop_auc == pytest.approx(0.9 - 0.7) and by_seed[1].recovery_s == 60.0  # 0.86 >= 0.85
    assert by_seed[0].drop_auc == pytest.approx(0.8 - 0.6) and by_seed[0].recovery_s is None  # never >= 0.75
    assert t.recovered == 1 and t.drop_auc.value == pytest.approx(0.2) and t.drop_auc.n == 2
    assert t.head_start_auc.value == pytest.approx(((0.7 - 0.5) + (0.6 - 0.5)) / 2)  # vs learning that room anew
    assert t.switch_saved_s.value == pytest.approx(((120 - 40) + (100 - 50)) / 2)
    assert t.mae_increase_m.value == pytest.approx(((0.3 - 0.2) + (0.4 - 0.3)) / 2)
