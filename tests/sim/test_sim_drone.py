"""SimDrone: the Drone seam over the simulator — determinism, collisions, stereo loss, landing."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from drone_ssl.errors import DroneError
from drone_ssl.types import Command
from drone_ssl_app.config import load_config
from drone_ssl_sim.sim_drone import SimDrone


def fly(overrides: list[str], commands: list[Command], frames_each: int = 10) -> tuple[list, SimDrone]:
    config = load_config(overrides=overrides)
    frames = []
    with SimDrone(config) as drone:
        drone.takeoff()
        for command in commands:
            drone.send(command)
            for _ in range(frames_each):
                frames.append(drone.read())
    return frames, drone


def test_same_seed_and_config_give_the_same_flight() -> None:
    commands = [Command(pitch=-0.3), Command(yaw=0.5), Command(roll=0.2, pitch=-0.2)]
    a, _ = fly(["sim.seed=5"], commands)
    b, _ = fly(["sim.seed=5"], commands)
    c, _ = fly(["sim.seed=6"], commands)
    assert all(np.array_equal(x.left, y.left) and x.state == y.state for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x.left, y.left) for x, y in zip(a, c, strict=True))


def test_flying_into_a_wall_is_one_collision_and_the_drone_stops() -> None:
    # No obstacles; facing +x from x = 1.0 the wall is 1.5 m ahead.
    config = load_config(overrides=["sim.obstacles.count=0", "sim.start.x_m=1.0"])
    with SimDrone(config) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-1.0))
        for _ in range(60):
            frame = drone.read()
        assert len(drone.collisions) == 1
        event = drone.collisions[0]
        assert event.what == "wall" and event.speed_mps > 0.5
        hull = config.drone.hull_diameter_m / 2
        assert frame.state.position[0] == pytest.approx(config.sim.room.size_m / 2 - hull, abs=0.02)
        assert drone.ground_truth().in_contact
        evaluation = drone.evaluate()  # the pilot's evaluator: the same ground truth, the collision counted
        assert evaluation.collisions == 1
        assert evaluation.nearest_ahead_m == drone.ground_truth().nearest_ahead_m


def test_bounce_response_reverses_the_normal_speed() -> None:
    overrides = ["sim.obstacles.count=0", "sim.start.x_m=1.0", "sim.collision.response=bounce"]
    with SimDrone(load_config(overrides=overrides)) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-1.0))
        while not drone.collisions:
            drone.read()
        drone.send(Command.hover())
        frame = drone.read()
        assert frame.state.velocity[0] < 0  # moving backwards, away from the wall


def test_collision_can_end_the_flight() -> None:
    overrides = ["sim.obstacles.count=0", "sim.start.x_m=1.0", "sim.collision.continue_flight=false"]
    with SimDrone(load_config(overrides=overrides)) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-1.0))
        for _ in range(80):
            frame = drone.read()
        assert drone.crashed and not frame.state.flying
        with pytest.raises(DroneError, match="crashed"):
            drone.takeoff()


def test_the_state_says_when_it_lands_by_itself_and_when_its_motors_are_cut() -> None:
    """A collision with continue_flight false lands it (landing, still off the ground); a cut says emergency."""
    overrides = ["sim.obstacles.count=0", "sim.start.x_m=1.0", "sim.collision.continue_flight=false"]
    with SimDrone(load_config(overrides=overrides)) as drone:
        drone.takeoff()
        assert not (drone.state().landing or drone.state().emergency)
        drone.send(Command(pitch=-1.0))
        states = [drone.read().state for _ in range(80)]
        landing = [s for s in states if s.landing]
        assert drone.crashed and landing and all(s.flying for s in landing) and not states[-1].flying
        drone.reset()
        drone.takeoff()
        drone.emergency()
        assert drone.state().emergency and not drone.state().flying  # on the floor, cut until the next take-off
        drone.takeoff()
        assert not drone.state().emergency and drone.state().flying


def test_camera_and_physics_rates_are_separate() -> None:
    config = load_config(overrides=["sim.camera_hz=30", "sim.physics_hz=240"])
    with SimDrone(config) as drone:
        first = drone.read()
        second = drone.read()
    assert second.t - first.t == pytest.approx(1 / 30)


def test_stereo_can_be_lost_and_restored() -> None:
    with SimDrone(load_config(overrides=["sim.realism.stereo_lost=true"])) as drone:
        assert drone.read().right is None
        drone.set_stereo_available(True)
        assert drone.read().right is not None


def test_dropped_frames_skip_camera_ticks() -> None:
    config = load_config(overrides=["sim.realism.drop_prob=0.5"])
    with SimDrone(config) as drone:
        times = [drone.read().t for _ in range(40)]
    gaps = np.round(np.diff(times) * config.sim.camera_hz).astype(int)
    assert gaps.min() == 1 and gaps.max() >= 2


def test_sensor_noise_changes_the_image_but_not_its_geometry() -> None:
    clean, _ = fly(["sim.seed=2"], [Command()], frames_each=1)
    noisy, _ = fly(["sim.seed=2", "sim.realism.noise_std=8"], [Command()], frames_each=1)
    diff = noisy[0].left.astype(float) - clean[0].left.astype(float)
    assert 5.0 < diff.std() < 11.0


def test_ground_truth_depth_and_free_distance_facing_a_wall() -> None:
    config = load_config(overrides=["sim.obstacles.count=0", "sim.start.x_m=1.0"])
    with SimDrone(config) as drone:
        drone.takeoff()
        with pytest.raises(DroneError, match="read"):
            drone.evaluate()  # no frame yet: nothing to evaluate
        drone.read()
        gt = drone.ground_truth()
        evaluation = drone.evaluate()
    h, w = gt.depth.shape
    assert gt.nearest_ahead_m == pytest.approx(1.5, abs=0.01)
    assert (evaluation.nearest_ahead_m, evaluation.collisions) == (gt.nearest_ahead_m, 0)
    assert gt.depth[h // 2, w // 2] == pytest.approx(1.5 - config.camera.forward_offset_m, rel=0.01)
    assert gt.obstacle_mask[h // 2, w // 2]


def test_landing_on_exit_and_takeoff_altitude() -> None:
    config = load_config()
    drone = SimDrone(config)
    with drone:
        drone.takeoff()
        state = drone.read().state
        assert state.flying and state.altitude == pytest.approx(config.drone.takeoff_altitude_m, abs=0.1)
        drone.send(Command(yaw=1.0))
        drone.read()
        assert drone.state().yaw != 0.0
        yaw_before_exit = drone.state().yaw
    assert drone.client is None
    assert not drone.model.flying and math.isfinite(yaw_before_exit)


def test_reading_before_connect_is_a_clear_error() -> None:
    with pytest.raises(DroneError, match="connect"):
        SimDrone(load_config()).read()


def test_pushing_along_a_wall_is_one_collision_and_a_new_encounter_another() -> None:
    config = load_config(overrides=["sim.obstacles.count=0", "sim.start.x_m=1.0", "sim.start.yaw_deg=-30"])
    with SimDrone(config) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-1.0))  # into the +x wall at an angle: it scrapes along it
        for _ in range(80):
            drone.read()
        assert len(drone.collisions) == 1
        drone.send(Command(pitch=0.5))  # back off about a metre (the far wall is 4 m behind), then hit it again
        for _ in range(12):
            drone.read()
        drone.send(Command.hover())
        for _ in range(20):
            drone.read()
        drone.send(Command(pitch=-1.0))
        for _ in range(50):
            drone.read()
        assert len(drone.collisions) == 2


def test_bouncing_against_a_wall_while_pushing_on_is_one_collision() -> None:
    overrides = ["sim.obstacles.count=0", "sim.start.x_m=1.0", "sim.collision.response=bounce"]
    with SimDrone(load_config(overrides=overrides)) as drone:
        drone.takeoff()
        drone.send(Command(pitch=-1.0))  # bounces off and is pushed straight back, again and again
        for _ in range(60):
            drone.read()
        assert len(drone.collisions) == 1


def test_the_simulator_imports_without_the_learning_stack() -> None:
    """`evaluate` builds the pilot's Evaluation, but importing the simulator must not pull in torch or onnxruntime."""
    probe = "import sys, sim.sim_drone; print(sorted(m for m in ('torch', 'onnxruntime') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
