"""Hypothesis profiles for the whole suite: "ci" (the default) is derandomized, so every run of the suite tries the
same examples and a run never fails by chance; "explore" draws fresh random examples, many more of them, to look
for new failures (README, "Tests"): `python -m pytest tests/fuzz --hypothesis-profile=explore`.

A failure that exploring finds is pinned as an explicit `@example` beside its test, so "ci" tries it every time.
This file is loaded before pytest's own configuration, so `--hypothesis-profile` (Hypothesis' pytest plugin)
overrides the default chosen here; `HYPOTHESIS_PROFILE=explore` in the environment does the same.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The fuzz tests scale their own example counts by `max_examples` against Hypothesis' default of 100 (see
# tests/fuzz/test_fuzz_inputs.py): 1x in "ci", 20x in "explore".
settings.register_profile(
    "ci", derandomize=True, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "explore",
    max_examples=2000,
    derandomize=False,
    database=None,  # a fresh search every time; failures are kept as @example in the code, not in .hypothesis/
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
