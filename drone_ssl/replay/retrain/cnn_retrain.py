"""Offline CNN retraining from flight logs: streamed batches, held-out validation, checkpoints, resume, and DDP."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.mono.checkpoint import (
    CheckpointError,
    CnnMetadata,
    load_fitting_checkpoint,
    save_checkpoint,
    with_threshold,
)
from drone_ssl.mono.cnn_estimator import CnnEstimator
from drone_ssl.mono.cnn_model import MonoDepthNet
from drone_ssl.mono.cnn_trainer import CnnTrainer
from drone_ssl.mono.onnx_export import export_onnx
from drone_ssl.replay.errors import PeerFailedError, ReplayError
from drone_ssl.replay.logs import LogRecovery, image_shape, recover_logs
from drone_ssl.replay.models import MODEL_FILES
from drone_ssl.replay.outputs import write_json
from drone_ssl.replay.retrain.dataset import LogSampleDataset, batches, make_loader
from drone_ssl.replay.retrain.distributed import FAILED, OUT_OF_DATA, READY, DistContext, DistributedNet, agree, total
from drone_ssl.replay.retrain.retrain_options import VALIDATION_FILE, RetrainOptions, RetrainResult
from drone_ssl.replay.retrain.run_folder import retrain_folder
from drone_ssl.replay.retrain.train_state import RESUME_FILE, TrainState, load_state, save_state
from drone_ssl.replay.retrain.validation import validate


def _fresh_network(options: RetrainOptions, perception: PerceptionConfig, shape: tuple[int, int]) -> MonoDepthNet:
    height, width = shape
    if options.init_model is not None:
        return load_fitting_checkpoint(options.init_model, perception, width, height)[0]
    torch.manual_seed(options.seed)  # every process builds the same network (DDP also copies rank 0's)
    return MonoDepthNet.from_config(perception.cnn, width, height)


def _resumed_network(state: TrainState, perception: PerceptionConfig, shape: tuple[int, int]) -> MonoDepthNet:
    height, width = shape
    try:
        metadata = CnnMetadata(**state.metadata)
        metadata.check_compatible(width, height, perception)
        net = metadata.build_model()
        net.load_state_dict(state.model)
    except (TypeError, RuntimeError) as e:
        raise CheckpointError(f"the resume state's network does not load ({type(e).__name__}); start afresh") from e
    return net


class _Run:
    """One process's part of a retraining run (rank 0 also validates, checkpoints and shows progress)."""

    def __init__(self, context: DistContext, options: RetrainOptions, perception: PerceptionConfig) -> None:
        self.context, self.options, self.perception = context, options, perception
        self.out = retrain_folder(options.out, MODEL_FILES["cnn"], options.resume)
        self.model_path = self.out / MODEL_FILES["cnn"]
        self.layout = {
            "world": context.world, "workers": options.workers, "batch_size": options.batch_size,
            "shuffle_buffer": options.shuffle_buffer, "seed": options.seed,
        }  # fmt: skip
        self.logs = [str(p.resolve()) for p in options.logs]
        self.val_logs = [str(p.resolve()) for p in options.val_logs]
        self.shape = image_shape(options.logs[0])
        state = load_state(self.out / RESUME_FILE) if options.resume else None
        if state is not None:
            self._check_resumable(state)
        # The cores the loader workers leave, shared among this machine's processes: torch threads that outnumber
        # free cores spin and wait on each other, which costs far more than a thread less.
        cores_left = (os.cpu_count() or 1) - context.local_world * options.workers
        self.threads = options.threads or max(1, cores_left // context.local_world)
        torch.set_num_threads(self.threads)
        if state is not None:
            self.net = _resumed_network(state, perception, self.shape).to(context.device)
        else:
            self.net = _fresh_network(options, perception, self.shape).to(context.device)
        model = DistributedNet(self.net, context.device) if context.distributed else self.net
        height, width = self.shape
        self.trainer = CnnTrainer(perception, width, height, seed=options.seed + context.rank, model=model)
        self.step, self.epoch, self.position, self.samples_before = 0, 0, 0, 0
        self.history: list[dict[str, Any]] = []
        self.recovered: list[LogRecovery] = []  # what rank 0 read from each log, for the screen and validation.json
        if state is not None:
            self.trainer.optimizer.load_state_dict(state.optimizer)
            if context.is_main:
                self.trainer.generator.set_state(state.generator)
            self.trainer.stats.update(state.stats)
            self.step, self.epoch, self.position = state.step, state.epoch, state.position
            self.samples_before, self.history = state.samples, list(state.history)
        self.resumed_from = self.step
        self.saved_step = self.step
        self.samples = 0  # this process, this run
        self.pending: BaseException | None = None  # rank 0's failure, told to the others at the next step
        self.in_step = False
        self.overhead_s = 0.0  # validation and checkpoints: not training time
        self.bar: tqdm | None = None

    def _check_resumable(self, state: TrainState) -> None:
        if state.logs != self.logs or state.val_logs != self.val_logs:
            raise ReplayError("the resume state was made with other training or --val logs; resume with the same logs")
        for key, value in self.layout.items():
            if state.layout.get(key) != value:
                raise ReplayError(
                    f"the run was started with {key}={state.layout.get(key)}, now {value}; the epoch's sample order "
                    f"depends on it: resume with the same processes, --workers, --batch-size, --shuffle-buffer, --seed"
                )

    # -- rank 0's work ----------------------------------------------------------------------------------------
    def _validate(self) -> None:
        """Score the current weights on the held-out flights, as the flying estimator would (ONNX)."""
        started = time.perf_counter()
        estimator = CnnEstimator(export_onnx(self.net), self.trainer.metadata(), self.perception)
        try:
            figures = validate(
                estimator, self.options.val_logs, self.perception.avoid_distance_m, self.options.target_tpr
            )
        finally:
            estimator.close()
        entry = {"step": self.step, "epoch": self.epoch, "samples": self.samples_before + self._all_samples_here()}
        self.history.append({**entry, "loss_ema": self.trainer.stats.get("loss_ema"), **figures})
        self.overhead_s += time.perf_counter() - started

    def _validated_threshold(self) -> float | None:
        """The threshold the last held-out validation chose: the checkpoint carries it, so --evaluate scores there."""
        if not self.history:
            return None
        return self.history[-1].get("vs_stereo", {}).get("threshold_m")

    def _expected_steps(self) -> int | None:
        """The run's steps as the labelled frames counted before training foretell them (each process takes
        its share in batches); the first epoch's end replaces it with the exact count. None when uncounted."""
        train = {Path(p).resolve() for p in self.options.logs}
        labelled = sum(r.labelled for r in self.recovered if Path(r.report.path).resolve() in train)
        if labelled == 0:
            return None
        per_epoch = math.ceil(labelled / (self.options.batch_size * self.context.world))
        return per_epoch * self.options.epochs

    def _all_samples_here(self) -> int:
        # Rank 0's count times the processes: they step together on batches of the same size but for the last.
        return self.samples * self.context.world

    def _save(self) -> None:
        started = time.perf_counter()
        metadata = with_threshold(self.trainer.metadata(), self._validated_threshold())
        save_checkpoint(self.model_path, self.net, metadata)
        state = TrainState(
            step=self.step,
            epoch=self.epoch,
            position=self.position,
            metadata=metadata.to_dict(),
            model={k: v.detach().cpu().clone() for k, v in self.net.state_dict().items()},
            optimizer=self.trainer.optimizer.state_dict(),
            generator=self.trainer.generator.get_state(),
            stats=dict(self.trainer.stats),
            layout=self.layout,
            logs=self.logs,
            val_logs=self.val_logs,
            history=self.history,
            samples=self.samples_before + self._all_samples_here(),
        )
        save_state(self.out / RESUME_FILE, state)
        logs_read = [r.as_dict() for r in self.recovered]
        write_json(self.out / VALIDATION_FILE, {"logs": self.logs, "val_logs": self.val_logs, "logs_read": logs_read,
                                                "history": self.history})  # fmt: skip
        self.saved_step = self.step
        self.overhead_s += time.perf_counter() - started

    def _checkpoint(self, validate_too: bool = True) -> None:
        """Rank 0 only; a failure is kept and stops every process at the next step."""
        if not self.context.is_main or self.pending is not None:
            return
        try:
            if validate_too:
                self._validate()
            self._save()
        except Exception as e:
            self.pending = e

    # -- every process ----------------------------------------------------------------------------------------
    def run(self) -> RetrainResult:
        options = self.options
        if self.context.is_main:
            try:  # what each log recovered, a log below the floor refused; then the baseline training has to beat
                self.recovered = recover_logs(options.logs, options.val_logs, options.min_log_frames)
                if self.step == 0 and not self.history:
                    self._validate()  # a bad --val fails before any write
            except Exception as e:
                if not self.context.distributed:
                    raise
                self.pending = e  # the other processes stop with it at the first step
        started, self.overhead_s = time.perf_counter(), 0.0
        try:
            while self.epoch < options.epochs:
                self._epoch()
                self.epoch, self.position = self.epoch + 1, 0
                self._checkpoint(validate_too=not self.history or self.history[-1]["step"] != self.step)
        except KeyboardInterrupt:
            if self.context.is_main and not self.in_step and self.step > self.saved_step:
                self._save()  # a consistent point between two steps: resume from exactly here
            raise
        finally:
            if self.bar is not None:
                self.bar.close()
        elapsed = time.perf_counter() - started
        samples = int(total(self.context, self.samples))
        if self.pending is not None:
            raise self.pending
        if self.step == 0:
            raise ReplayError("no training step was possible: the training logs hold no stereo-labelled frames")
        return RetrainResult(
            model=self.model_path,
            steps=self.step,
            epochs_done=self.epoch,
            samples=samples,
            train_seconds=max(0.0, elapsed - self.overhead_s),
            processes=self.context.world,
            threads=self.threads,
            workers=options.workers,
            resumed_from_step=self.resumed_from,
            history=self.history,
            logs_read=[r.as_dict() for r in self.recovered],
        )

    def _epoch(self) -> None:
        options = self.options
        dataset = LogSampleDataset(
            options.logs, options.batch_size, self.shape, options.shuffle_buffer, options.seed,
            self.context.rank, self.context.world,
        )  # fmt: skip
        dataset.set_epoch(self.epoch)
        stream = batches(make_loader(dataset, options.workers))
        steps_before, skip = self.step, self.position  # resuming: batches this epoch already trained on
        try:
            while True:
                batch, error = None, self.pending
                if error is None:
                    try:
                        batch = next(stream, None)
                    except ReplayError as e:
                        error = e
                if skip and batch is not None:
                    skip -= 1
                    continue
                status = FAILED if error is not None else READY if batch is not None else OUT_OF_DATA
                decided = agree(self.context, status)
                if decided == FAILED:
                    raise error or PeerFailedError()
                if decided == OUT_OF_DATA:
                    break
                self._train(batch)
        finally:
            stream.close()
        if self.bar is not None and steps_before == 0 and self.epoch == 0:
            self.bar.total = (self.step - steps_before) * options.epochs  # the first epoch tells the exact length
            self.bar.refresh()
        if self.step == steps_before and self.position == 0 and self.epoch == 0:
            where = "the training logs hold" if self.context.world == 1 else "a process's share of the logs holds"
            raise ReplayError(f"no training step was possible: {where} no stereo-labelled frames")

    def _train(self, batch: dict[str, torch.Tensor]) -> None:
        images, distances = batch["images"].numpy(), batch["distances"].numpy()
        depth = batch["depth"].numpy() if "depth" in batch else None
        self.in_step = True
        loss = self.trainer.step(images, distances, depth)
        if not all(bool(torch.isfinite(p).all()) for p in self.net.parameters()):
            raise ReplayError(
                f"training diverged at step {self.step + 1} (weights not finite); the last checkpoint is kept: "
                "lower perception.cnn.learning_rate and resume"
            )
        self.step += 1
        self.position += 1
        self.samples += len(images)
        self.in_step = False
        if self.bar is None and self.context.is_main and self.options.progress:  # from the first step on
            self.bar = tqdm(initial=self.step - 1, total=self._expected_steps(), unit="step", dynamic_ncols=True,
                            mininterval=0.5, desc="retrain")  # fmt: skip
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(f"epoch {self.epoch + 1}/{self.options.epochs} loss {loss:.3f}", refresh=False)
        if self.step % self.options.checkpoint_every == 0:
            self._checkpoint()


def retrain_cnn(context: DistContext, options: RetrainOptions, perception: PerceptionConfig) -> RetrainResult:
    """Train the mono CNN on the logs' stereo labels in this process (one of `context.world` under DDP).

    Rank 0 validates on the held-out logs before training, every `checkpoint_every` steps and after each epoch,
    and writes `mono_cnn.pt` (loadable by fly.py --model), `resume.pt` and `validation.json` into `options.out`.
    """
    if options.epochs < 1 or options.batch_size < 1 or options.checkpoint_every < 1 or options.workers < 0:
        raise ReplayError("--epochs, --batch-size and --checkpoint-every must be >= 1 and --workers >= 0")
    return _Run(context, options, perception).run()
