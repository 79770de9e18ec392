"""When mono has earned the right to fly (STEREO -> MONO) and when it has lost it (MONO -> STEREO)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from drone_ssl.config.flight import ArbiterConfig

if TYPE_CHECKING:
    from drone_ssl.learner.metrics import ValidationMetrics


def switch_reason(m: ValidationMetrics, c: ArbiterConfig) -> str | None:
    """Why mono may take over on this held-out window (the ROC rule or the MSE rule), or None.

    Only after `switch_min_rounds` learning rounds, on a window of at least `switch_min_samples` pairs of which
    `switch_min_obstacles` are obstacles: a window without obstacles says nothing about missing them.
    """
    if m.learning_round < c.switch_min_rounds or m.n < c.switch_min_samples or m.n_obstacle < c.switch_min_obstacles:
        return None
    if m.tpr >= c.switch_min_tpr and m.fpr <= c.switch_max_fpr:  # NaN compares False: no verdict, no switch
        return f"mono validated: TPR {m.tpr:.2f} FPR {m.fpr:.2f} (round {m.learning_round})"
    if c.switch_max_mse_log > 0 and m.mse_log <= c.switch_max_mse_log:
        return f"mono validated: MSE(log) {m.mse_log:.4f} (round {m.learning_round})"
    return None


def fallback_reason(m: ValidationMetrics, c: ArbiterConfig) -> str | None:
    """Why mono has degraded on this window (e.g. a new room), or None.

    The bounds are looser than the switch's (hysteresis). Mono falls back when some rule is clearly broken and
    none still holds; a rule the window cannot judge (too few obstacles, MSE rule off) is no evidence either way.
    """
    if m.n < c.switch_min_samples:
        return None
    roc_judged = m.n_obstacle >= c.switch_min_obstacles and not math.isnan(m.tpr)
    roc_bad = (roc_judged and m.tpr < c.fallback_min_tpr) or m.fpr > c.fallback_max_fpr
    roc_good = roc_judged and m.tpr >= c.fallback_min_tpr and not m.fpr > c.fallback_max_fpr
    mse_on = c.switch_max_mse_log > 0 and not math.isnan(m.mse_log)
    mse_bad = mse_on and m.mse_log > c.fallback_max_mse_log
    mse_good = mse_on and m.mse_log <= c.fallback_max_mse_log
    if roc_bad and not mse_good:
        return f"mono degraded: TPR {m.tpr:.2f} FPR {m.fpr:.2f} (round {m.learning_round})"
    if mse_bad and not roc_good:
        return f"mono degraded: MSE(log) {m.mse_log:.4f} (round {m.learning_round})"
    return None
