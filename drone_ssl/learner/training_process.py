"""CNN training in a child process on the second core: the flight loop never shares a core or the GIL with it."""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from drone_ssl.config.learner import LearnerConfig
from drone_ssl.config.perception import PerceptionConfig
from drone_ssl.errors import DroneSSLError, SaveError
from drone_ssl.learner.buffer import ReplayBuffer, Sample

SAVE_TIMEOUT_S = 60.0  # a save is one torch.save of a small network; more means the child is stuck
STOP_TIMEOUT_S = 5.0
READY_TIMEOUT_S = 300.0  # importing torch and building the network: slow on a loaded machine, never this slow
REAP_TIMEOUT_S = 1.0  # its pipe closes as it exits: this long for its exit code to be known
PARENT_DECIDES = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # Ctrl-C to the process group, a hang-up


class TrainingProcessError(DroneSSLError):
    """The training process failed or died; the message carries its error."""


class TrainerHungError(TrainingProcessError):
    """The training process is alive but gave no answer within its bound: it is hung."""


def _ignore_exit_signals() -> dict[int, object]:
    """Ignore the exit signals (only the main thread may); returns the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, signal.SIG_IGN) for signum in PARENT_DECIDES}


def _serve(conn: Connection, learner: LearnerConfig, perception: PerceptionConfig, size: tuple[int, int],
           checkpoint: str | None) -> None:  # fmt: skip
    """The child: owns the replay buffer and the trainer, and handles requests strictly in order, so its
    results depend on the order of requests only (never on timing). It ignores the exit signals (inherited
    from its start already): a Ctrl-C to the process group reaches the parent, which lands, then stops it."""
    _ignore_exit_signals()
    import torch

    from drone_ssl.mono.cnn_trainer import CnnTrainer

    torch.set_num_threads(learner.torch_threads)
    width, height = size
    try:
        if checkpoint is None:
            trainer = CnnTrainer(perception, width, height, seed=learner.seed)
        else:
            trainer = CnnTrainer.from_checkpoint(checkpoint, perception, width, height)
        buffer = ReplayBuffer(learner, (height, width), np.random.default_rng(learner.seed))
    except Exception as exc:  # one line to the parent (which names the cause), not a traceback from here
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    steps = 0
    conn.send(("ready", None))
    while True:
        try:
            kind, arg = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone (killed): nothing to answer, nobody to tell
        try:
            if kind == "add":
                buffer.add(arg)
            elif kind == "steps":
                for _ in range(arg):
                    batch = buffer.batch(learner.batch_size)
                    if batch is not None:
                        trainer.step(*batch)
                        steps += 1
            elif kind == "sync":
                conn.send(("steps", steps))
            elif kind == "export":
                conn.send(("model", (trainer.export_onnx(), trainer.metadata())))
            elif kind == "save":
                try:
                    trainer.save(arg)
                except SaveError as exc:  # a full disk ends no training: say so, keep serving
                    conn.send(("unsaved", (exc.path, exc.reason)))
                    continue
                conn.send(("saved", arg))
            elif kind == "stop":
                conn.send(("stopped", steps))
                return
        except Exception as exc:  # reported to the parent at its next request, then the child ends
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
            return


class TrainingProcess:
    """The parent's handle: requests are queued in order; `sync`, `export` and `save` wait for their answer.

    A sender thread writes the requests, so the flight loop never blocks on a full pipe while the child is
    busy with gradient steps. An answer that does not come within `learner.trainer_timeout_s` (alive but silent)
    is a `TrainerHungError`. The first failure (hung, died with its exit code, failed with its error) is kept:
    every later request raises it again in the same words, from whichever thread asks.
    """

    def __init__(self, learner: LearnerConfig, perception: PerceptionConfig, size: tuple[int, int],
                 checkpoint: Path | None = None) -> None:  # fmt: skip
        context = mp.get_context("spawn")  # no fork: torch and PyBullet state must not be copied
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve,
            args=(child, learner, perception, size, None if checkpoint is None else str(checkpoint)),
            name="cnn-training",
            daemon=True,
        )
        previous = _ignore_exit_signals()  # inherited through the spawn: the child is immune from its first line
        try:
            self._process.start()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)  # type: ignore[arg-type]
        child.close()
        self._answer_timeout_s = learner.trainer_timeout_s
        self._failure: TrainingProcessError | None = None
        self._failure_lock = threading.Lock()  # the flight loop and the background learner may both fail it
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._send_error: BaseException | None = None
        self._sender = threading.Thread(target=self._send_loop, name="cnn-training-sender", daemon=True)
        self._sender.start()
        try:
            self._expect("ready", READY_TIMEOUT_S)
        except BaseException:
            self.close()  # reap the child and the sender thread
            raise

    def _send_loop(self) -> None:
        while True:
            message = self._outbox.get()
            if message is None:
                return
            try:
                self._conn.send(message)
            except (BrokenPipeError, OSError) as exc:
                self._send_error = exc
                return

    def add(self, sample: Sample) -> None:
        # Half-precision depth halves what crosses the pipe; the buffer stores float16 anyway.
        depth = None if sample.depth_m is None else sample.depth_m.astype(np.float16)
        self._send("add", replace(sample, depth_m=depth))

    def steps(self, count: int) -> None:
        self._send("steps", count)

    def sync(self, timeout_s: float | None = None) -> int:
        """Wait until every queued request is done (at most `timeout_s`, default learner.trainer_timeout_s); the
        number of gradient steps taken so far."""
        self._send("sync", None)
        return self._expect("steps", timeout_s)

    def export(self) -> tuple[bytes, Any]:
        self._send("export", None)
        return self._expect("model")

    def save(self, path: Path, timeout_s: float = SAVE_TIMEOUT_S) -> None:
        """Raises SaveError when the file could not be written (nothing half-written is left), the trainer lives on."""
        self._send("save", str(path))
        self._expect("saved", timeout_s)

    @property
    def pid(self) -> int | None:
        """The child's process id (to name it in a report, or to signal it in a test)."""
        return self._process.pid

    @property
    def alive(self) -> bool:
        """Whether it can still answer: running, and neither hung nor failed."""
        return self._failure is None and self._send_error is None and self._process.is_alive()

    def close(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop the child within `timeout_s` (then kill it); never waits longer than about twice that. A hung
        one is killed at once: it would not answer the stop either."""
        if self._failure is None and self._process.is_alive():
            try:
                self._send("stop", None)
                self._expect("stopped", timeout_s)
            except TrainingProcessError:
                pass  # already failed, reported, or stuck: reap it
        self._outbox.put(None)
        self._sender.join(timeout=1.0)
        self._process.join(timeout=1.0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=timeout_s)

    def _send(self, kind: str, arg: Any) -> None:
        if self._failure is not None:
            raise self._fail(self._failure)
        if self._send_error is not None or not self._process.is_alive():
            raise self._fail(self._died())
        self._outbox.put((kind, arg))

    def _expect(self, kind: str, timeout_s: float | None = None) -> Any:
        bound = self._answer_timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + bound
        try:
            while not self._conn.poll(0.2):  # wake up now and then to notice a child that died silently
                if not self._process.is_alive():
                    raise EOFError
                if time.monotonic() > deadline:
                    key = " (learner.trainer_timeout_s)" if timeout_s is None else ""
                    raise self._fail(TrainerHungError(
                        f"the CNN training process is alive but gave no {kind!r} answer within {bound:g} s{key}: "
                        "it is hung"
                    ))  # fmt: skip
            got, value = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise self._fail(self._died()) from exc
        if got == "error":
            raise self._fail(TrainingProcessError(f"CNN training failed: {value}"))
        if got == "unsaved":
            raise SaveError(*value)
        if got != kind:
            raise TrainingProcessError(f"CNN training process answered {got!r} to a {kind!r} request")
        return value

    def _fail(self, error: TrainingProcessError) -> TrainingProcessError:
        """The first failure is the one true account: keep it, and give a fresh copy of it to raise."""
        with self._failure_lock:
            if self._failure is None:
                self._failure = error
            first = self._failure
        return type(first)(str(first))

    def _died(self) -> TrainingProcessError:
        """How it ended, with its exit code: it is reaped first, so the code is the real one, never None."""
        self._process.join(REAP_TIMEOUT_S)
        code = self._process.exitcode
        if code is None:
            return TrainingProcessError(
                f"the CNN training process closed its pipe but still runs after {REAP_TIMEOUT_S:g} s"
            )
        killed = f": killed by {signal.Signals(-code).name}" if -code in signal.valid_signals() else ""
        return TrainingProcessError(f"the CNN training process died (exit code {code}{killed})")
