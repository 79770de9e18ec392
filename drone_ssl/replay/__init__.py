"""Offline replay of flight logs: retraining (streamed, multi-worker, resumable, DDP), open-loop evaluation,
flight reports and dataset export."""

from drone_ssl.replay.cnn_retrain import retrain_cnn
from drone_ssl.replay.dataset import LogSampleDataset, make_loader
from drone_ssl.replay.distributed import DistContext, cleanup, launched_by_torchrun, setup_distributed
from drone_ssl.replay.errors import ReplayError
from drone_ssl.replay.evaluate import evaluate, validate
from drone_ssl.replay.export import export_dataset
from drone_ssl.replay.local_launch import launch_local
from drone_ssl.replay.logs import check_logs, image_shape, split_validation
from drone_ssl.replay.models import close_estimator, load_estimator
from drone_ssl.replay.open_loop import LogReplay, ReplayedFrame
from drone_ssl.replay.outputs import write_csv, write_json
from drone_ssl.replay.report import write_report
from drone_ssl.replay.retrain_options import RetrainOptions, RetrainResult
from drone_ssl.replay.texton_retrain import retrain_textons

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
    "evaluate",
    "export_dataset",
    "image_shape",
    "launch_local",
    "launched_by_torchrun",
    "load_estimator",
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
