"""The process behind RenderPeer: holds a copy of the scene and renders the right camera on request.

Protocol (pickled tuples; only our own parent talks to it): first ("config", SimSetup), then ("scene", ScenePlan) with
its textures as BMP files (read, then deleted) or ("shoot", eye, rotation, lighting), answered by the grey image's
bytes. End of input ends the process.
"""

from __future__ import annotations

import os
import pickle
import sys


def main() -> int:
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # PyBullet's banner must not corrupt the answers
    import cv2
    import numpy as np
    import pybullet as p

    from drone_ssl_sim.rig import StereoRig
    from drone_ssl_sim.world import World

    try:
        _, config = pickle.load(requests)
    except EOFError:
        return 0
    client = p.connect(p.DIRECT)
    world = World(config, client)
    rig = StereoRig(config.camera, client, config.sim.renderer)
    try:
        while True:
            try:
                message = pickle.load(requests)
            except EOFError:
                return 0
            if message[0] == "scene":
                world.apply(message[1])
                continue
            _, eye, rotation, lighting = message
            rgba, _ = rig.shoot(np.array(eye), np.array(rotation).reshape(3, 3), lighting)
            answers.write(cv2.cvtColor(rgba, cv2.COLOR_RGBA2GRAY).tobytes())
            answers.flush()
    except BrokenPipeError:  # the parent is gone
        return 0
    finally:
        world.close()
        p.disconnect(client)


if __name__ == "__main__":
    sys.exit(main())
