"""The room as plain data (`RoomScene`: walls, floor, obstacles, the drone) and as Foxglove scene entities."""

from __future__ import annotations

import math
from dataclasses import dataclass

import foxglove.messages as fox
import numpy as np

from drone_ssl.flightlog.transforms import BODY, WORLD, timestamp

CUBE, CYLINDER = "cube", "cylinder"
KINDS = ("wall", "floor", "obstacle", "drone")
# The drone is drawn in its own frame, so the /tf transforms carry it round the room; everything else stands still.
DRONE_COLOUR = (1.0, 0.45, 0.0)


@dataclass(frozen=True)
class SceneBody:
    """One solid of the room: a box or an upright cylinder centred at `position` (m) in `frame_id`, turned by
    `yaw` (rad) about z; `size` its x, y, z extents (a cylinder's x and y are its diameter); `colour` RGB 0..1
    (a surface's texture mean, so a top view reads like the room)."""

    id: str
    kind: str  # wall, floor, obstacle or drone
    shape: str  # cube or cylinder
    position: tuple[float, float, float]
    yaw: float
    size: tuple[float, float, float]
    colour: tuple[float, float, float]
    frame_id: str = WORLD

    def footprint(self) -> list[tuple[float, float]]:
        """Floor-plan outline (x, y) in its frame: the rectangle's corners, or 24 points round the circle."""
        x, y = self.position[:2]
        if self.shape == CYLINDER:
            r = self.size[0] / 2
            return [(x + r * math.cos(a), y + r * math.sin(a)) for a in (2 * math.pi * i / 24 for i in range(24))]
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        hw, hd = self.size[0] / 2, self.size[1] / 2
        return [(x + c * u - s * v, y + s * u + c * v) for u, v in ((hw, hd), (-hw, hd), (-hw, -hd), (hw, -hd))]


@dataclass(frozen=True)
class RoomScene:
    """What a simulated flight's room holds, filled by the app from the simulator (the brain never imports it);
    a real drone has none (no ground truth: nothing pretends there is a room)."""

    size_m: float  # the square room's side
    height_m: float
    bodies: tuple[SceneBody, ...]

    def of_kind(self, kind: str) -> list[SceneBody]:
        return [b for b in self.bodies if b.kind == kind]

    def footprints(self) -> list[tuple[np.ndarray, float]]:
        """The obstacles' floor plans as the trajectory plot takes them: a pole's centre and radius, a box's
        corners and 0 (what fly.py draws from the simulator itself)."""
        out = []
        for body in self.of_kind("obstacle"):
            if body.shape == CYLINDER:
                out.append((np.array([body.position[:2]]), body.size[0] / 2))
            else:
                out.append((np.array(body.footprint()), 0.0))
        return out


def scene_update(stamp_ns: int, scene: RoomScene) -> fox.SceneUpdate:
    """The room as one SceneUpdate: an entity per body, kept until replaced (lifetime 0), ids stable so a
    republished or changed room replaces the one shown rather than adding to it."""
    stamp = timestamp(stamp_ns)
    meta = [fox.KeyValuePair(key="room_size_m", value=repr(scene.size_m)),
            fox.KeyValuePair(key="room_height_m", value=repr(scene.height_m))]  # fmt: skip
    return fox.SceneUpdate(
        deletions=[fox.SceneEntityDeletion(timestamp=stamp, type=fox.SceneEntityDeletionType.All, id="")],
        entities=[_entity(stamp, body, meta) for body in scene.bodies],
    )


def _entity(stamp: fox.Timestamp, body: SceneBody, room: list[fox.KeyValuePair]) -> fox.SceneEntity:
    half = body.yaw / 2
    pose = fox.Pose(
        position=fox.Vector3(x=body.position[0], y=body.position[1], z=body.position[2]),
        orientation=fox.Quaternion(x=0.0, y=0.0, z=math.sin(half), w=math.cos(half)),
    )
    size = fox.Vector3(x=body.size[0], y=body.size[1], z=body.size[2])
    alpha = 0.35 if body.kind == "wall" else 1.0  # see through the walls from outside the room
    color = fox.Color(r=body.colour[0], g=body.colour[1], b=body.colour[2], a=alpha)
    shapes = (
        {"cylinders": [fox.CylinderPrimitive(pose=pose, size=size, bottom_scale=1.0, top_scale=1.0, color=color)]}
        if body.shape == CYLINDER
        else {"cubes": [fox.CubePrimitive(pose=pose, size=size, color=color)]}
    )
    meta = [fox.KeyValuePair(key="kind", value=body.kind), fox.KeyValuePair(key="shape", value=body.shape), *room]
    return fox.SceneEntity(timestamp=stamp, frame_id=body.frame_id, id=body.id, frame_locked=body.frame_id == BODY,
                           metadata=meta, **shapes)  # fmt: skip


def scene_from_update(update: object) -> RoomScene:
    """A RoomScene back from a decoded SceneUpdate (what `scene_update` wrote); ValueError when it is not one."""
    bodies, size_m, height_m = [], math.nan, math.nan
    for entity in update.entities:  # type: ignore[attr-defined]
        meta = {kv.key: kv.value for kv in entity.metadata}
        size_m, height_m = float(meta.get("room_size_m", size_m)), float(meta.get("room_height_m", height_m))
        shape = meta.get("shape")
        primitives = entity.cylinders if shape == CYLINDER else entity.cubes
        if meta.get("kind") not in KINDS or len(primitives) != 1:
            raise ValueError(f"scene entity {entity.id!r} is not a drone_ssl room body")
        p = primitives[0]
        q, v, s, c = p.pose.orientation, p.pose.position, p.size, p.color
        bodies.append(SceneBody(entity.id, meta["kind"], shape or CUBE, (v.x, v.y, v.z), 2 * math.atan2(q.z, q.w),
                                (s.x, s.y, s.z), (c.r, c.g, c.b), entity.frame_id))  # fmt: skip
    return RoomScene(size_m, height_m, tuple(bodies))
