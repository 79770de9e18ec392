"""The AR.Drone 2.0 wire protocol, pure encode and decode: AT commands, navdata, PaVE video, config read-back."""

from drone_ssl_bridge.ardrone2.protocol import at
from drone_ssl_bridge.ardrone2.protocol.config_readback import ConfigReadback, encode_config_text, parse_config_text
from drone_ssl_bridge.ardrone2.protocol.navdata import (
    ControlState,
    DemoData,
    Navdata,
    NavState,
    decode_navdata,
    encode_navdata,
)
from drone_ssl_bridge.ardrone2.protocol.pave import (
    FrameType,
    PaveFrame,
    PaveHeader,
    PaveReassembler,
    encode_frame,
    parse_header,
)

__all__ = [
    "ConfigReadback",
    "ControlState",
    "DemoData",
    "FrameType",
    "NavState",
    "Navdata",
    "PaveFrame",
    "PaveHeader",
    "PaveReassembler",
    "at",
    "decode_navdata",
    "encode_config_text",
    "encode_frame",
    "encode_navdata",
    "parse_config_text",
    "parse_header",
]
