"""The shipped Foxglove layout is the one its generator writes, and it shows the channels the log has."""

from __future__ import annotations

import json

from drone_ssl.flightlog import channels
from drone_ssl_app.foxglove_layout import LAYOUT_FILE, layout_json


def test_the_shipped_layout_is_up_to_date_and_names_only_logged_topics() -> None:
    assert LAYOUT_FILE.read_text() == layout_json(), "run python -m drone_ssl_app.foxglove_layout"
    text = json.dumps(json.loads(LAYOUT_FILE.read_text()))
    three_d = json.loads(LAYOUT_FILE.read_text())["content"]["items"][0]["content"]
    assert three_d["panelType"] == "ThreeDee"
    assert {"/scene", "/drone/pose", "/camera/left/calibration", "/stereo/depth"} <= set(three_d["config"]["topics"])
    for topic in ("/arbiter/phase.stereo_ahead_m", "/arbiter/phase.mono_ahead_m", "/arbiter/phase.phase"):
        assert topic in text
    named = {t for t in three_d["config"]["topics"]}
    assert named <= set(channels.BY_TOPIC)
