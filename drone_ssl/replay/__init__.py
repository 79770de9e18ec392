"""Offline replay of flight logs, one subpackage per job (retrain/, evaluate/, report/, export/) over shared log
reading, open-loop replay, scoring and output files."""

# `drone_ssl.replay.evaluate` is the evaluation subpackage; its function is `evaluate.open_loop_evaluation.evaluate`.

from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.export.labelled_dataset import export_dataset
from drone_ssl.replay.logs import check_logs, image_shape, split_validation
from drone_ssl.replay.models import close_estimator, load_estimator, scoring_threshold
from drone_ssl.replay.open_loop import LogReplay, ReplayedFrame
from drone_ssl.replay.outputs import fresh_folder, write_csv, write_json
from drone_ssl.replay.report.flight_summary import write_report
from drone_ssl.replay.retrain.cnn_retrain import retrain_cnn
from drone_ssl.replay.retrain.dataset import LogSampleDataset, make_loader
from drone_ssl.replay.retrain.distributed import DistContext, cleanup, launched_by_torchrun, setup_distributed
from drone_ssl.replay.retrain.local_launch import launch_local
from drone_ssl.replay.retrain.retrain_options import RetrainOptions, RetrainResult
from drone_ssl.replay.retrain.texton_retrain import retrain_textons
from drone_ssl.replay.retrain.validation import validate

__all__ = [
    "DistContext",
    "LogReplay",
    "LogSampleDataset",
    "ReplayError",
    "ReplayedFrame",
    "RetrainOptions",
    "RetrainResult",
    "check_logs",
    "cleanup",
    "close_estimator",
    "export_dataset",
    "fresh_folder",
    "image_shape",
    "launch_local",
    "launched_by_torchrun",
    "load_estimator",
    "scoring_threshold",
    "make_loader",
    "retrain_cnn",
    "retrain_textons",
    "setup_distributed",
    "split_validation",
    "validate",
    "write_csv",
    "write_json",
    "write_report",
]
