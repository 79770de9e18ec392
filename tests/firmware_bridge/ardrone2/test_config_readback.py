"""Config read-back (TCP 5559): lines split over segments, terminated by NUL."""

import pytest

from drone_ssl_bridge.ardrone2.protocol.config_readback import ConfigReadback, encode_config_text, parse_config_text
from drone_ssl_bridge.errors import ProtocolError


def test_dump_split_over_segments_is_parsed_once_complete():
    config = {"general:navdata_demo": "TRUE", "control:altitude_max": "3000", "video:video_codec": "129"}
    raw = encode_config_text(config)
    reader = ConfigReadback()
    assert reader.feed(raw[:17]) is None
    assert reader.feed(raw[17:40]) is None
    assert reader.feed(raw[40:]) == config


def test_malformed_line_names_the_line():
    with pytest.raises(ProtocolError, match="line 2"):
        parse_config_text("general:num_version_config = 1\nnonsense\n")
