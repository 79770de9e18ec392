"""Monocular distance estimators behind one seam: the CNN on ONNX Runtime and the paper's texton + kNN."""

from drone_ssl.mono.checkpoint import CheckpointError, CnnMetadata, load_checkpoint, save_checkpoint
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_model import MonoDepthNet
from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl.mono.reading import MonoEstimator, MonoReading
from drone_ssl.mono.texton_estimator import TextonKnnEstimator
from drone_ssl.mono.textons import TextonDictionary

__all__ = [
    "CheckpointError",
    "CnnEstimator",
    "CnnMetadata",
    "CnnTrainer",
    "MonoDepthNet",
    "MonoEstimator",
    "MonoReading",
    "TextonDictionary",
    "TextonKnnEstimator",
    "load_checkpoint",
    "save_checkpoint",
]
