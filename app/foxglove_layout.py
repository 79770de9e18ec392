"""The Foxglove layout shipped in `app/layouts/`: the room in 3D with the drone, camera frusta and stereo depth,
the images, and plots of the distances and the phase. `python -m drone_ssl_app.foxglove_layout` rewrites it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import foxglove.layouts as fl

LAYOUT_FILE = Path(__file__).with_name("layouts") / "drone_ssl.foxglove.json"


def _three_d() -> fl.ThreeDeePanel:
    topics = {
        "/scene": fl.BaseRendererSceneUpdateTopicSettings(visible=True),
        "/drone/pose": fl.BaseRendererPoseTopicSettings(visible=True, type="arrow"),
        "/camera/left/calibration": fl.BaseRendererCameraTopicSettings(visible=True, distance=0.5, color="#2f8fff"),
        "/camera/right/calibration": fl.BaseRendererCameraTopicSettings(visible=True, distance=0.5, color="#9fcfff"),
        # Stereo depth (log.depth_maps) projected from the left camera: the points stereo saw, in the room.
        "/stereo/depth": fl.BaseRendererImageTopicSettings(
            visible=True, camera_info_topic="/camera/left/calibration", render_mode="pointCloud", point_size=3.0
        ),
    }
    config = fl.ThreeDeeConfig(follow_tf="world", fixed_frame="world", follow_mode="follow-none", topics=topics)
    return fl.ThreeDeePanel(title="room, drone, cameras, stereo depth", config=config)


def _plot(title: str, paths: list[tuple[str, str]]) -> fl.PlotPanel:
    series = [fl.PlotSeries(value=value, label=label, enabled=True) for value, label in paths]
    return fl.PlotPanel(title=title, config=fl.PlotConfig(paths=series))


def layout() -> fl.Layout:
    distances = _plot("distance ahead (m): what the arbiter compares", [
        ("/arbiter/phase.stereo_ahead_m", "stereo"), ("/arbiter/phase.mono_ahead_m", "mono"),
        ("/arbiter/phase.threshold_m", "mono threshold"),
        ("/eval/ground_truth.nearest_ahead_m", "truth (evaluation only)"),
    ])  # fmt: skip
    phase = fl.StateTransitionsPanel(
        title="arbiter phase",
        config=fl.StateTransitionsConfig(
            paths=[fl.StateTransitionsSeries(value="/arbiter/phase.phase", label="phase")]
        ),
    )
    images = fl.SplitContainer(direction="column", items=[
        fl.SplitItem(content=fl.ImagePanel(title="left camera", config=fl.ImageConfig(
            image_mode=fl.ImageModeConfig(image_topic="/camera/left", calibration_topic="/camera/left/calibration")))),
        fl.SplitItem(content=fl.ImagePanel(title="stereo depth", config=fl.ImageConfig(
            image_mode=fl.ImageModeConfig(image_topic="/stereo/depth")))),
    ])  # fmt: skip
    right = fl.SplitContainer(direction="column", items=[
        fl.SplitItem(proportion=2, content=images), fl.SplitItem(content=distances), fl.SplitItem(content=phase),
    ])  # fmt: skip
    return fl.Layout(content=fl.SplitContainer(direction="row", items=[
        fl.SplitItem(proportion=3, content=_three_d()), fl.SplitItem(proportion=2, content=right),
    ]))  # fmt: skip


def layout_json() -> str:
    """The layout as the shipped file holds it (indented, so a diff reads)."""
    return json.dumps(json.loads(layout().to_json()), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    LAYOUT_FILE.parent.mkdir(exist_ok=True)
    LAYOUT_FILE.write_text(layout_json())
    print(f"written: {LAYOUT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
