"""`SimDrone`: the `Drone` seam over the PyBullet room, the flight model and the stereo rig, in lock-step."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pybullet as p

from drone_ssl.drone import Drone
from drone_ssl.errors import DroneError
from drone_ssl.types import Command, DroneState, Evaluation, Observation
from drone_ssl_sim.config import SimSetup
from drone_ssl_sim.flight_model import FlightMode, FlightModel
from drone_ssl_sim.render_peer import RenderPeer
from drone_ssl_sim.rig import StereoRig
from drone_ssl_sim.world import World

COLLISION_MERGE_S = 1.0  # contacts closer together than this (pushing along a wall, a corner) are one collision


@dataclass(frozen=True)
class CollisionEvent:
    """The drone's hull touched something: one event per encounter, not per physics step or re-touch."""

    t: float
    position: tuple[float, float, float]
    what: str
    speed_mps: float


@dataclass(frozen=True)
class GroundTruth:
    """What the simulator knows for the last frame read: for evaluation only, never for the learner."""

    t: float
    position: tuple[float, float, float]
    yaw: float
    depth: np.ndarray  # linear metric depth of the left camera, metres
    obstacle_mask: np.ndarray  # pixels on walls and obstacles (not floor or ceiling)
    nearest_ahead_m: float  # free distance along the heading within the hull-wide corridor
    collisions: int
    in_contact: bool


class SimDrone(Drone):
    """A simulated AR.Drone 2.0 with a stereo rig, deterministic for a seed and a config.

    `read()` advances the simulation by one camera period (physics at `sim.physics_hz`),
    renders the stereo pair and returns it; `send()` sets the command flown until the next one.
    """

    def __init__(
        self, config: SimSetup, seed: int | None = None, prefetch_scenes: bool = False, concurrent_cameras: bool = False
    ) -> None:
        self.config = config
        self.prefetch_scenes = prefetch_scenes  # draw the next episode's room in a worker process (RL loops)
        self.concurrent_cameras = concurrent_cameras  # render the right camera in a second process (a free core)
        self.seed = config.sim.seed if seed is None else seed
        self.client: int | None = None
        self.model = FlightModel(config.drone, config.sim.physics_hz)
        self.frame_period_s = 1.0 / config.sim.camera_hz
        self.stereo_available = not config.sim.realism.stereo_lost
        self.collisions: list[CollisionEvent] = []
        self.t = 0.0
        self._rng = np.random.default_rng(self.seed)
        self._in_contact = False
        self._last_contact_t = -np.inf
        self._crashed = False
        self._motors_cut = False  # emergency(): reported as the state's emergency until the next take-off or reset
        self._last_depth: np.ndarray | None = None
        self._last_frame_t = 0.0

    # -- the Drone protocol -------------------------------------------------------------------------------------
    def connect(self) -> None:
        if self.client is not None:
            return
        mode = p.GUI if self.config.sim.renderer == "gui" else p.DIRECT
        self.client = p.connect(mode)
        if self.client < 0:
            raise DroneError("cannot start PyBullet; for sim.renderer=gui a display is needed, use tiny or egl")
        if self.config.sim.renderer == "egl":
            self._load_egl()
        self.world = World(self.config, self.client, prefetch=self.prefetch_scenes)
        self.rig = StereoRig(self.config.camera, self.client, self.config.sim.renderer)
        if self.concurrent_cameras:
            self.rig.peer = RenderPeer(self.config)
        self.reset(self._rng)

    def reset(self, rng: np.random.Generator | None = None) -> None:
        """A new episode: a new room from `rng` (or a fresh one from the seed), the drone landed at the start."""
        self._require_connected()
        self._rng = rng if rng is not None else np.random.default_rng(self.seed)
        plan = self.world.plan_episode(self._rng)
        # The next episode starts where this one leaves the generator, usually: nothing below draws from it, so the
        # worker can start on that room now, while this one is built.
        self.world.prefetch(self._rng)
        peer = self.rig.peer if self.rig.peer is not None and not self.rig.peer.broken else None
        files = self.world.apply(plan, keep_files=peer is not None)
        if peer is not None:  # the same scene from the same files: the peer deletes them once read
            peer.load(dataclasses.replace(plan, textures=[], texture_files=files))
        self.model.reset(*plan.start)
        self.t = 0.0
        self.collisions = []
        self._in_contact = False
        self._last_contact_t = -np.inf
        self._crashed = False
        self._motors_cut = False
        self._last_depth = None
        self.stereo_available = not self.config.sim.realism.stereo_lost
        self._place()

    def takeoff(self) -> None:
        self._require_connected()
        if self._crashed:
            raise DroneError("the drone crashed and sim.collision.continue_flight is false; reset() to fly again")
        self._motors_cut = False
        self.model.takeoff()
        self._run_until(lambda: self.model.mode == FlightMode.FLYING, "takeoff")

    def land(self) -> None:
        if self.client is None:
            return
        self.model.set_command(Command.hover())
        self.model.land()
        self._run_until(lambda: self.model.mode == FlightMode.LANDED, "landing")

    def emergency(self) -> None:
        if self.client is None:
            return
        self._motors_cut = self.model.mode != FlightMode.LANDED  # as the firmware: a cut on the ground is nothing
        self.model.cut_motors()
        self._run_until(lambda: self.model.mode == FlightMode.LANDED, "emergency fall")

    def read(self) -> Observation:
        self._require_connected()
        realism = self.config.sim.realism
        while True:
            for _ in range(self.config.sim.steps_per_frame):
                self.physics_step()
            # A dropped frame never reaches the caller: the next camera tick is returned instead.
            if realism.drop_prob == 0.0 or self._rng.random() >= realism.drop_prob:
                break
        left, right, depth = self.rig.render(self.position(), self.model.rotation(), self.world.lighting, depth=True)
        self._last_depth = depth
        self._last_frame_t = self.t
        left, right = self._sensor_effects(left, right)
        return Observation(self.t, left, right if self.stereo_available else None, self.state())

    def send(self, command: Command) -> None:
        if not self._crashed:
            self.model.set_command(command)

    def close(self) -> None:
        if self.client is not None:
            if self.rig.peer is not None:
                self.rig.peer.close()
            self.world.close()
            p.disconnect(self.client)
            self.client = None

    # -- simulator extras ---------------------------------------------------------------------------------------
    def state(self) -> DroneState:
        b = self.model.body
        (fx, fy), (rx, ry) = b.forward, b.right
        return DroneState(
            position=(b.x, b.y, b.z),
            velocity=(b.vx * fx + b.vy * fy, b.vx * rx + b.vy * ry, b.vz),
            attitude=(b.roll, b.pitch, b.yaw),
            altitude=b.z - self.model.ground_z,
            battery=self.model.battery,
            flying=self.model.flying,
            link_ok=True,
            emergency=self._motors_cut or self.model.mode == FlightMode.EMERGENCY,
            landing=self.model.mode == FlightMode.LANDING,
        )

    def set_stereo_available(self, available: bool) -> None:
        """Cut (or restore) the right camera, e.g. to test persistence on mono alone."""
        self.stereo_available = available

    def ground_truth(self) -> GroundTruth:
        """Ground truth for the last frame read; evaluation only."""
        if self._last_depth is None:
            raise DroneError("no frame has been read yet; call read() first")
        b = self.model.body
        position = self.position()
        rotation = self.model.rotation()
        mask = self.rig.obstacle_mask(self._last_depth, position, rotation, self.config.sim.room.height_m)
        return GroundTruth(
            t=self._last_frame_t,
            position=(b.x, b.y, b.z),
            yaw=b.yaw,
            depth=self._last_depth,
            obstacle_mask=mask,
            nearest_ahead_m=self.world.nearest_ahead(position, np.array(b.forward)),
            collisions=len(self.collisions),
            in_contact=self._in_contact,
        )

    def evaluate(self) -> Evaluation:
        """The pilot's evaluator: ground truth for the last frame read, for statistics and logs only."""
        return Evaluation(self.ground_truth().nearest_ahead_m, len(self.collisions))

    @property
    def crashed(self) -> bool:
        """True once a collision ended the flight (sim.collision.continue_flight false)."""
        return self._crashed

    # -- internals ----------------------------------------------------------------------------------------------
    def physics_step(self) -> None:
        """One physics tick: the flight model, then contacts (what a frame runs steps_per_frame times; benchmarks
        time it alone)."""
        self.model.step()
        self.t += self.model.dt
        self._place()
        self._resolve_contacts()

    def _run_until(self, done, what: str) -> None:
        steps = round(self.config.drone.manoeuvre_timeout_s * self.config.sim.physics_hz)
        for _ in range(steps):
            if done():
                return
            self.physics_step()
        raise DroneError(f"{what} did not finish within {self.config.drone.manoeuvre_timeout_s:g} s of simulated time")

    def position(self) -> np.ndarray:
        """The body's (x, y, z) in metres, world frame: where the cameras render from."""
        b = self.model.body
        return np.array([b.x, b.y, b.z])

    def _place(self) -> None:
        # The hull is a vertical cylinder: its orientation does not change what it touches.
        b = self.model.body
        self.world.place_upright_hull(b.x, b.y, b.z)

    def _resolve_contacts(self) -> None:
        contacts = [c for c in self.world.contacts() if c.what != "floor"]
        if not contacts:
            self._in_contact = False
            return
        b = self.model.body
        speed = math.sqrt(b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
        for contact in contacts:
            n = contact.normal
            b.x += n[0] * contact.depth
            b.y += n[1] * contact.depth
            b.z += n[2] * contact.depth
            v_n = b.vx * n[0] + b.vy * n[1] + b.vz * n[2]
            if v_n < 0:  # moving into the surface
                if self.config.sim.collision.response == "stop":
                    b.vx = b.vy = b.vz = 0.0
                else:
                    k = 1.0 + self.config.sim.collision.restitution
                    b.vx -= k * v_n * n[0]
                    b.vy -= k * v_n * n[1]
                    b.vz -= k * v_n * n[2]
        self._place()
        if not self._in_contact and self.t - self._last_contact_t > COLLISION_MERGE_S:
            where = (b.x, b.y, b.z)
            self.collisions.append(CollisionEvent(self.t, where, contacts[0].what, speed))
            if not self.config.sim.collision.continue_flight:
                self._crashed = True
                self.model.set_command(Command.hover())
                self.model.land()
        self._in_contact = True
        self._last_contact_t = self.t

    def _sensor_effects(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        realism = self.config.sim.realism
        if realism.noise_std == 0.0 and realism.exposure_jitter == 0.0:
            return left, right
        # One gain for both cameras: a stereo board shares its exposure.
        gain = 1.0 + self._rng.uniform(-realism.exposure_jitter, realism.exposure_jitter)
        out = []
        for image in (left, right):
            noisy = image.astype(np.float32) * gain
            if realism.noise_std > 0.0:
                noisy += self._rng.normal(0.0, realism.noise_std, size=image.shape).astype(np.float32)
            out.append(np.clip(noisy, 0, 255).astype(np.uint8))
        return out[0], out[1]

    def _require_connected(self) -> None:
        if self.client is None:
            raise DroneError("the simulator is not running; call connect() (or use SimDrone as a context manager)")

    def _load_egl(self) -> None:
        import importlib.util

        egl = importlib.util.find_spec("eglRenderer")
        plugin = -1
        if egl is not None and egl.origin:
            plugin = p.loadPlugin(egl.origin, "_eglRendererPlugin", physicsClientId=self.client)
        if plugin < 0:
            raise DroneError("the EGL renderer plugin could not be loaded here; use sim.renderer=tiny")
