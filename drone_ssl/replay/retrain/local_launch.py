"""Run a DDP function in N local CPU processes on gloo over loopback (tests and benchmarks; people use torchrun)."""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drone_ssl.errors import DroneSSLError
from drone_ssl.replay.errors import PeerFailedError, ReplayError
from drone_ssl.replay.retrain.distributed import DistContext, cleanup, setup_distributed

OK, FAILED, PEER_FAILED = "ok", "failed", "peer failed"
CAUSE_GRACE_S = 30.0  # after a rank stopped because another failed, how long the failing one may take to report


def loopback_interface() -> str:
    """The loopback interface's name (lo on Linux, lo0 on macOS): gloo binds its sockets to its address."""
    names = [name for _, name in socket.if_nameindex()]
    return next((n for n in names if n in ("lo", "lo0")), next((n for n in names if n.startswith("lo")), "lo"))


def _child(
    rank: int,
    world: int,
    store: str,
    start_method: str,
    target: Callable[..., Any],
    args: tuple,
    results: mp.Queue,
) -> None:
    # A process torchrun starts keeps the platform's way of starting data-loader workers (fork on Linux); one
    # started by spawn would otherwise spawn its workers too, each importing everything again.
    mp.set_start_method(start_method, force=True)
    # What torchrun would set; the rendezvous is a file (no TCP server) and gloo talks over loopback only.
    os.environ.update(
        RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(world),
        GLOO_SOCKET_IFNAME=loopback_interface(), CUDA_VISIBLE_DEVICES="",
    )  # fmt: skip
    context: DistContext | None = None
    try:
        context = setup_distributed(init_method=f"file://{store}")
        results.put((rank, OK, target(context, *args)))
    except PeerFailedError as e:
        results.put((rank, PEER_FAILED, str(e)))
    except DroneSSLError as e:
        results.put((rank, FAILED, str(e)))
    except BaseException as e:  # reported to the parent, which stops the others
        results.put((rank, FAILED, f"{type(e).__name__}: {e}"))
    finally:
        if context is not None:
            cleanup(context)


def launch_local(target: Callable[..., Any], world: int, args: tuple = (), timeout_s: float = 300.0) -> Any:
    """Call `target(context, *args)` in `world` fresh processes forming one gloo process group; returns what rank 0
    returned. Raises ReplayError with the first failure's message, or when `timeout_s` passes (all are stopped).
    `target` and `args` must be picklable (a module-level function)."""
    start_method = mp.get_start_method()
    spawn = mp.get_context("spawn")  # a fresh interpreter per rank: no state shared with the caller
    results: mp.Queue = spawn.Queue()
    with tempfile.TemporaryDirectory(prefix="ddp-") as tmp:
        store = str(Path(tmp) / "store")
        # Not daemonic: each process may start its own data-loader workers.
        processes = [
            spawn.Process(
                target=_child, args=(rank, world, store, start_method, target, args, results), name=f"ddp-rank{rank}"
            )
            for rank in range(world)
        ]
        for process in processes:
            process.start()
        try:
            return _collect(results, processes, timeout_s)
        finally:
            for process in processes:
                if process.is_alive():
                    process.terminate()
                process.join(10)
                if process.is_alive():
                    process.kill()
                    process.join()


def _collect(results: mp.Queue, processes: list, timeout_s: float) -> Any:
    """Rank 0's value once every rank reported; on a failure, its cause (not a rank that stopped because of it)."""
    deadline = time.monotonic() + timeout_s
    reports: dict[int, tuple[str, Any]] = {}
    while len(reports) < len(processes) and time.monotonic() < deadline:
        try:
            rank, status, value = results.get(timeout=min(1.0, max(0.01, deadline - time.monotonic())))
        except queue.Empty:
            dead = [p for rank, p in enumerate(processes) if p.exitcode not in (None, 0) and rank not in reports]
            if dead and results.empty():
                raise ReplayError(f"DDP process {dead[0].name} died (exit code {dead[0].exitcode})") from None
            continue
        if status == FAILED:
            raise ReplayError(f"rank {rank}: {value}")
        if status == PEER_FAILED:
            deadline = min(deadline, time.monotonic() + CAUSE_GRACE_S)  # the cause is on its way
        reports[rank] = (status, value)
    stopped = [f"rank {rank}: {value}" for rank, (status, value) in sorted(reports.items()) if status == PEER_FAILED]
    if stopped:
        raise ReplayError(stopped[0])
    if len(reports) < len(processes):
        raise ReplayError(f"{len(processes)} DDP processes did not finish within {timeout_s:g} s")
    return reports[0][1]
