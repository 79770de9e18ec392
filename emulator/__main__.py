"""`python -m drone_ssl_emulator`: a simulated AR.Drone 2.0 on 127.0.0.1 (the real ports), until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import time

from drone_ssl.errors import DroneSSLError
from drone_ssl_emulator.emulator import ARDroneEmulator, EmulatorPorts
from drone_ssl_emulator.faults import Faults
from drone_ssl_emulator.kinematic_body import KinematicBody
from drone_ssl_sim.config import load_sim_config


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m drone_ssl_emulator", description=__doc__)
    ports = EmulatorPorts()
    p.add_argument("--at-port", type=int, default=ports.at)
    p.add_argument("--navdata-port", type=int, default=ports.navdata)
    p.add_argument("--config-port", type=int, default=ports.config)
    p.add_argument("--stereo-port", type=int, default=ports.stereo_http, help="HTTP port of the MJPEG stereo stream")
    p.add_argument("--video-port", type=int, default=ports.video, help="TCP port of the front camera (H.264)")
    p.add_argument("--body", choices=("sim", "kinematic"), default="sim", help="PyBullet simulator or a light stand-in")
    p.add_argument("--config", help="YAML config file (the simulator's room, drone and camera)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override, repeatable")
    p.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per wall-clock second")
    p.add_argument("--duration", type=float, default=0.0, help="stop after this many seconds (0: until Ctrl-C)")
    p.add_argument("--loss", type=float, default=0.0, help="packet loss, percent, both ways")
    p.add_argument("--delay", type=float, default=0.0, help="navdata delay, seconds")
    p.add_argument("--jitter", type=float, default=0.0, help="extra random navdata delay up to this, seconds")
    p.add_argument("--corrupt", type=float, default=0.0, help="corrupted navdata packets, percent")
    p.add_argument("--silence-after", type=float, default=0.0, help="navdata stops after this many seconds (0: never)")
    p.add_argument("--battery-drain", type=float, default=0.0, help="extra battery drain, percent per second")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    faults = Faults(args.loss, args.delay, args.jitter, args.corrupt, False, args.battery_drain)
    ports = EmulatorPorts(
        "127.0.0.1", args.at_port, args.navdata_port, args.config_port, args.stereo_port, args.video_port
    )
    try:
        config = load_sim_config(args.config, args.set)
        if args.body == "sim":
            from drone_ssl_sim.sim_drone import SimDrone  # PyBullet loads only when this body is asked for

            body = SimDrone(config)
        else:
            body = KinematicBody(config.drone, config.camera, 1.0 / config.sim.camera_hz, config.sim.seed)
        emulator = ARDroneEmulator(body, ports, faults, config.drone, time_scale=args.time_scale, seed=config.sim.seed)
        with emulator:
            p = emulator.ports
            print(f"AR.Drone 2.0 emulator on {p.host}: AT udp/{p.at}, navdata udp/{p.navdata}, config tcp/{p.config}")
            video = f"front camera tcp/{p.video}" if p.video else "no front camera (install the video extra)"
            print(f"stereo stream: {emulator.stereo_url}, {video}   (Ctrl-C to stop)", flush=True)
            start = time.monotonic()
            while args.duration <= 0 or time.monotonic() - start < args.duration:
                if args.silence_after > 0 and time.monotonic() - start > args.silence_after:
                    faults.navdata_silent = True
                if emulator.body.error is not None:
                    raise emulator.body.error
                time.sleep(0.1)
    except KeyboardInterrupt:
        return 0
    except DroneSSLError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
