"""The simulated room as the brain's plain `RoomScene` (walls, floor, obstacles, the drone) for the flight log."""

from __future__ import annotations

from drone_ssl.flightlog.scene import CUBE, CYLINDER, DRONE_COLOUR, RoomScene, SceneBody
from drone_ssl.flightlog.transforms import BODY
from drone_ssl_sim.world import GREY, World

WALL_THICKNESS_M = 0.05  # drawn just outside the room, so the inside faces are where the simulator's walls are
FLOOR_THICKNESS_M = 0.02
# The walls in the order the scene plan creates them (sim/scene_plan.py: inward facings -x, +x, -y, +y, so the
# walls stand at x = +half, x = -half, y = +half, y = -half).
WALL_SIDES = ("+x", "-x", "+y", "-y")


def room_scene(world: World) -> RoomScene:
    """What the world holds now; the ceiling is left out so the 3D panel looks in from above."""
    room, hull = world.config.sim.room, world.config.drone
    half, height = room.size_m / 2, room.height_m
    colours: dict[str, tuple[float, float, float]] = {}
    walls = []
    for what, colour in world.surface_colours:
        if what == "wall":
            walls.append(colour)
        else:
            colours[what] = colour
    bodies = [SceneBody("floor", "floor", CUBE, (0.0, 0.0, -FLOOR_THICKNESS_M / 2), 0.0,
                        (room.size_m, room.size_m, FLOOR_THICKNESS_M), colours.get("floor", GREY))]  # fmt: skip
    offset = half + WALL_THICKNESS_M / 2
    for i, side in enumerate(WALL_SIDES):
        along_x = side.endswith("y")  # a wall at y = +/- half runs along x
        sign = -1.0 if side.startswith("-") else 1.0
        position = (0.0, sign * offset, height / 2) if along_x else (sign * offset, 0.0, height / 2)
        size = (room.size_m, WALL_THICKNESS_M, height) if along_x else (WALL_THICKNESS_M, room.size_m, height)
        colour = walls[i] if i < len(walls) else GREY
        bodies.append(SceneBody(f"wall:{side}", "wall", CUBE, position, 0.0, size, colour))
    for i, o in enumerate(world.obstacles):
        width, depth, h = o.size
        shape = CYLINDER if o.kind == "pole" else CUBE
        bodies.append(SceneBody(f"obstacle:{i}", "obstacle", shape, (o.x, o.y, h / 2), o.yaw, (width, depth, h),
                                colours.get(f"obstacle:{i}", GREY)))  # fmt: skip
    d = hull.hull_diameter_m
    bodies.append(SceneBody("drone", "drone", CYLINDER, (0.0, 0.0, 0.0), 0.0, (d, d, hull.hull_height_m),
                            DRONE_COLOUR, BODY))  # fmt: skip
    return RoomScene(room.size_m, height, tuple(bodies))
