"""Bulk embedding in a process of its own, at the lowest CPU priority, so a question never waits for an upload.

In one process, a question and an upload's embedding share the model and the cores: a question that arrives while a
bulk batch runs waits for that batch, then runs at half speed beside the next one.  Here the upload's texts go to a
worker process holding its own copy of the model, its threads ``QA_BULK_NICE`` (10) nice levels below the parent's:
whenever a question's threads want a core, the kernel gives it to them at once (a thread 10 levels lower gets about
10% of a core against it, 19 levels lower 1.5%), and the worker takes every cycle the questions leave.  No lock is
shared, so nothing waits.

The cost: a second copy of the model in memory (about 0.5-1 GB for all-mpnet-base-v2 on ONNX Runtime), a few
seconds to start (the parent embeds in-process meanwhile), and an upload that crawls while other programs keep the
cores busy.  ``qa.scheduling`` sends bulk work here only while questions are being asked; the worker exits after
``QA_BULK_WORKER_IDLE`` seconds without work, or with its parent.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection

import numpy as np

log = logging.getLogger(__name__)


class WorkerFailed(RuntimeError):
    """The worker could not start, or stopped (killed, out of memory) before returning a batch's vectors."""


@dataclass(frozen=True)
class ModelSpec:
    """What the worker loads: the arguments of ``qa.embedding.get_embedder``."""

    name: str  # model name or folder, as QA_EMBEDDING_MODEL
    batch_size: int  # texts per model call
    backend: str  # "onnx" or "torch"


def _serve(spec: ModelSpec, nice: int, conn: Connection) -> None:
    """The worker's loop: the model loaded (at normal priority: a starved start-up would only delay the move to the
    worker), every thread lowered ``nice`` levels below the parent, then one batch of texts in, its vectors out,
    until the parent closes the pipe or sends None."""
    base = os.getpriority(os.PRIO_PROCESS, 0)  # the parent's, inherited
    try:
        from qa.embedding import get_embedder

        model = get_embedder(spec.name, spec.batch_size, spec.backend)
        model.embed_batch(["warm up"])  # the runtime's threads exist from here on
    except Exception as exc:  # the parent reads it and embeds in-process instead
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    lower_priority(nice, base)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if texts is None:
            return
        try:
            conn.send(("vectors", np.asarray(model.embed_batch(texts), dtype=np.float32)))
        except Exception as exc:
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))


def lower_priority(by: int, base: int) -> None:
    """Every thread of this process at nice value ``base + by`` (at most 19): ``by`` below the parent, whose value
    ``base`` the worker inherited.  On Linux the value is per thread, so os.nice alone would leave the model
    runtime's threads where they were.  Raising one's own nice value needs no privilege."""
    target = min(19, base + max(0, by))
    try:
        threads = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:  # not Linux: the process's value
        threads = [0]
    for tid in threads:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, max(target, os.getpriority(os.PRIO_PROCESS, tid)))
        except OSError:  # a thread that just ended
            pass


class BulkWorker:
    """One worker process for one model.  ``ready`` says (without waiting) whether it can take work; ``embed_batch``
    sends texts and waits for their vectors; ``close`` stops it.  A failed worker stays failed: callers embed
    in-process from then on."""

    def __init__(self, spec: ModelSpec, nice: int = 10, idle_seconds: float = 120.0):
        self.spec, self.nice, self.idle_seconds = spec, nice, idle_seconds
        self.failed: str | None = None  # why the worker cannot be used
        self.pid: int | None = None
        self._ready = False
        self._lock = threading.Lock()  # one batch at a time through the pipe
        self._idle: threading.Timer | None = None
        ctx = get_context("spawn")  # never fork a process whose model threads are running
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(spec, nice, child), name=f"qa-bulk-{spec.name}", daemon=True)
        self._process.start()
        child.close()
        atexit.register(self.close)

    @property
    def ready(self) -> bool:
        """True once the worker has loaded its model; never waits."""
        if self._ready or self.failed:
            return self._ready
        with self._lock:
            if not self._ready and not self.failed and self._poll(0):
                kind, value = self._conn.recv()
                if kind == "ready":
                    self._ready, self.pid = True, value
                else:
                    self._fail(f"the worker could not load {self.spec.name}: {value}")
            elif not self._ready and not self._process.is_alive():
                self._fail(f"the worker stopped with exit code {self._process.exitcode} while loading {self.spec.name}")
        return self._ready

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        """The texts' vectors, embedded by the worker; ``WorkerFailed`` when it cannot."""
        if not self.ready:
            raise WorkerFailed(self.failed or "the worker is not ready")
        with self._lock:
            self._cancel_idle()
            try:
                self._conn.send(list(texts))
                while not self._poll(1.0):
                    if not self._process.is_alive():
                        raise EOFError
                kind, value = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._fail(f"the worker stopped (exit code {self._process.exitcode})")
                raise WorkerFailed(self.failed) from None
            if kind != "vectors":
                self._fail(f"the worker failed: {value}")
                raise WorkerFailed(self.failed)
            self._arm_idle()
            return value.tolist()

    def close(self) -> None:
        """Stop the worker (it finishes the batch it is embedding first) and free its memory."""
        self._cancel_idle()
        if self._process.is_alive():
            try:
                self._conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(timeout=5)
        self._conn.close()
        self._ready = False
        self.failed = self.failed or "closed"
        atexit.unregister(self.close)

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def _poll(self, timeout: float) -> bool:
        try:
            return self._conn.poll(timeout)
        except (OSError, EOFError):
            return True  # recv will raise

    def _fail(self, reason: str) -> None:
        self.failed = reason
        self._ready = False
        log.warning("Bulk embedding goes on in this process: %s.", reason)
        if self._process.is_alive():
            self._process.kill()

    def _arm_idle(self) -> None:
        self._idle = threading.Timer(self.idle_seconds, self._close_if_idle)
        self._idle.daemon = True
        self._idle.start()

    def _cancel_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def _close_if_idle(self) -> None:
        if self._lock.acquire(blocking=False):  # else a batch is in flight, and re-arms the timer when it ends
            try:
                _forget(self)
                self.close()
            finally:
                self._lock.release()


_workers: dict[ModelSpec, BulkWorker] = {}
_workers_lock = threading.Lock()


def worker_for(spec: ModelSpec, nice: int, idle_seconds: float) -> BulkWorker | None:
    """The process's worker for a model, started if need be; None when workers cannot be used here (a program whose
    main module a spawned process cannot import) or this model's worker failed."""
    from qa.ingest_pipeline import _main_is_importable

    with _workers_lock:
        worker = _workers.get(spec)
        if worker is None or worker.failed == "closed":
            if not _main_is_importable():
                return None
            worker = _workers[spec] = BulkWorker(spec, nice, idle_seconds)
        return None if worker.failed else worker


def running_worker(spec: ModelSpec) -> BulkWorker | None:
    """The process's worker for a model if one was started and has not failed or closed; never starts one."""
    with _workers_lock:
        worker = _workers.get(spec)
    return worker if worker is not None and not worker.failed else None


def _forget(worker: BulkWorker) -> None:
    with _workers_lock:
        if _workers.get(worker.spec) is worker:
            del _workers[worker.spec]


def close_workers() -> None:
    """Stop every worker of this process (tests; a server shutting down)."""
    with _workers_lock:
        workers = list(_workers.values())
        _workers.clear()
    for worker in workers:
        worker.close()
