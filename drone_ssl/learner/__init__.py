"""Online learning of the mono estimator from stereo labels, and how well it is doing."""

from drone_ssl.learner.metrics import ValidationMetrics, validation_metrics

__all__ = ["ValidationMetrics", "validation_metrics"]
