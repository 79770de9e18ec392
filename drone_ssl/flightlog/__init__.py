"""The flight log: every frame, decision and event of a flight in one MCAP file, and reading it back."""

from drone_ssl.flightlog.errors import FlightLogError
from drone_ssl.flightlog.live import LiveServer
from drone_ssl.flightlog.read_report import ReadReport
from drone_ssl.flightlog.reader import FlightLogReader
from drone_ssl.flightlog.records import LoggedEvent, LoggedFrame, LoggedStereo
from drone_ssl.flightlog.samples import TrainingSample, iter_samples, reader_samples
from drone_ssl.flightlog.scene import RoomScene, SceneBody
from drone_ssl.flightlog.transforms import CameraRig
from drone_ssl.flightlog.writer import FlightLogWriter

__all__ = [
    "CameraRig",
    "FlightLogError",
    "FlightLogReader",
    "FlightLogWriter",
    "LiveServer",
    "LoggedEvent",
    "LoggedFrame",
    "LoggedStereo",
    "ReadReport",
    "RoomScene",
    "SceneBody",
    "TrainingSample",
    "iter_samples",
    "reader_samples",
]
