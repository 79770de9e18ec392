"""DDP for offline retraining: the process group torchrun describes (gloo on CPU, nccl on CUDA), the wrapped
network, and the per-step agreement that keeps the processes in lock-step."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from drone_ssl.mono.cnn_model import MonoDepthNet
from drone_ssl.replay.errors import ReplayError

# Each step the processes agree on one of these (the minimum wins): all step, the epoch ends, or all stop.
READY, OUT_OF_DATA, FAILED = 1, 0, -1
DEFAULT_TIMEOUT_S = 1800.0  # the others wait this long while rank 0 validates or writes a checkpoint


@dataclass(frozen=True)
class DistContext:
    """Where this process stands: rank `rank` of `world`, training on `device`. One process: rank 0 of 1."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0
    local_world: int = 1
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))
    backend: str | None = None  # None: no process group

    @property
    def distributed(self) -> bool:
        return self.backend is not None

    @property
    def is_main(self) -> bool:
        """Rank 0 validates, writes checkpoints and shows progress."""
        return self.rank == 0


def launched_by_torchrun() -> bool:
    return "WORLD_SIZE" in os.environ and "RANK" in os.environ


def setup_distributed(init_method: str = "env://", timeout_s: float = DEFAULT_TIMEOUT_S) -> DistContext:
    """Join the process group torchrun's environment describes (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT);
    a single process when there is none. nccl and the local GPU when CUDA is there, gloo on CPU otherwise."""
    if not launched_by_torchrun():
        return DistContext()
    try:
        rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(world)))
    except ValueError as e:
        raise ReplayError(f"torchrun's RANK/WORLD_SIZE/LOCAL_RANK are not integers ({e}); launch with torchrun") from e
    if torch.cuda.is_available():
        backend, device = "nccl", torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    else:
        backend, device = "gloo", torch.device("cpu")
    try:
        dist.init_process_group(
            backend, init_method=init_method, rank=rank, world_size=world, timeout=timedelta(seconds=timeout_s)
        )
    except (RuntimeError, ValueError) as e:
        raise ReplayError(f"cannot join the {backend} process group as rank {rank} of {world}: {e}") from e
    return DistContext(rank, world, local_rank, local_world, device, backend)


def cleanup(context: DistContext) -> None:
    if context.distributed and dist.is_initialized():
        dist.destroy_process_group()


def agree(context: DistContext, status: int) -> int:
    """The minimum of every process's status (READY, OUT_OF_DATA or FAILED): what all of them do next."""
    if not context.distributed:
        return status
    flag = torch.tensor([status], dtype=torch.int32, device=context.device)
    dist.all_reduce(flag, op=dist.ReduceOp.MIN)
    return int(flag.item())


def total(context: DistContext, value: float) -> float:
    """The sum of `value` over all processes."""
    if not context.distributed:
        return value
    tensor = torch.tensor([value], dtype=torch.float64, device=context.device)
    dist.all_reduce(tensor)
    return float(tensor.item())


class DistributedNet(DistributedDataParallel):
    """DDP around a MonoDepthNet that `CnnTrainer` drives as if it were the network: it has the same size
    attributes, takes CPU batches (moved to the network's device) and returns CPU outputs, where the trainer's
    targets live. Gradients are averaged across processes during `backward`."""

    def __init__(self, net: MonoDepthNet, device: torch.device) -> None:
        net = net.to(device)
        super().__init__(net, device_ids=[device.index] if device.type == "cuda" else None)
        self.input_device = device

    @property
    def net(self) -> MonoDepthNet:
        return self.module

    @property
    def width(self) -> int:
        return self.module.width

    @property
    def height(self) -> int:
        return self.module.height

    @property
    def channels(self) -> tuple[int, ...]:
        return self.module.channels

    @property
    def stem_px(self) -> int:
        return self.module.stem_px

    @property
    def depth_grid(self) -> tuple[int, int]:
        return self.module.depth_grid

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        outputs = super().forward(image.to(self.input_device))
        return tuple(o.cpu() for o in outputs)
