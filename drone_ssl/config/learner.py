"""Typed configuration of the online learner: replay buffer, training schedule, validation window."""

from __future__ import annotations

from dataclasses import dataclass

from drone_ssl.config.loader import MAX_SEED, spec
from drone_ssl.errors import ConfigError


@dataclass(frozen=True)
class LearnerConfig:
    buffer_size: int = spec(3000, lo=50, hi=1000000)  # training samples kept (oldest or best-known dropped first)
    validation_window: int = spec(150, lo=20, hi=100000)  # most recent samples, held out from training
    active: bool = spec(False)  # the paper's active rule: keep mostly samples the mono estimate got wrong
    active_error: float = spec(0.25, lo=0.0, hi=5.0)  # |log(mono / stereo)| above which a sample counts as wrong
    active_keep_right: float = spec(0.2, lo=0.0, hi=1.0)  # chance of keeping a right one once the buffer is full
    priority_repeats: int = spec(3, lo=1, hi=100)  # training-wheel override frames enter the buffer this many times
    min_samples: int = spec(64, lo=1, hi=100000)  # samples needed before the first gradient step
    steps_per_sim_s: float = spec(6.0, lo=0.0, hi=1000.0)  # CNN gradient steps per simulated second (x batch_size)
    batch_size: int = spec(32, lo=1, hi=4096)
    publish_every_s: float = spec(5.0, lo=0.1, hi=3600.0)  # new weights reach inference this often (sim time)
    validate_every_s: float = spec(5.0, lo=0.1, hi=3600.0)  # validation metrics recomputed this often
    target_tpr: float = spec(0.95, lo=0.5, hi=1.0)  # threshold re-chosen from the ROC: lowest FPR with TPR >= this
    torch_threads: int = spec(1, lo=1, hi=64)  # one keeps training off the core the flight loop uses
    trainer_timeout_s: float = spec(30.0, lo=0.5, hi=3600.0)  # no answer from the trainer this long: hung, flight ends
    seed: int = spec(0, lo=0, hi=MAX_SEED)

    def __post_init__(self) -> None:
        if self.validation_window >= self.buffer_size:
            raise ConfigError(
                "learner.validation_window", f"must be smaller than learner.buffer_size ({self.buffer_size})"
            )
