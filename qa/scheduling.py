"""Questions ahead of bulk embedding: one upload must not freeze every question.

The embedding model runs one call at a time (each model holds a lock while it encodes), and the machine has few
cores.  Ingestion used to hand the model a whole document (1,551 chunks: minutes) in one call, so a question asked
meanwhile waited for all of it.  Here bulk work is cut into small batches, and each batch first waits for its turn at
a process-wide gate: while a question is being answered, bulk batches wait (for a while, so ingestion still advances
under a steady stream of questions); a question waits for at most the one small batch already running.

``ScheduledEmbedder`` wraps any ``qa.embedding.Embedder`` from outside: ``embed`` (one question) is foreground work,
``embed_batch`` (ingestion) is background work.  ``GATE.foreground()`` also marks a whole question in flight
(``qa.api.ask_stream``), so the sentence scoring that follows the question's embedding is not crowded out either.

Two refinements (docs/robustness.md, "Questions during ingestion, session 6"):
- Batches are sized by time, not by count: while questions are being asked, the seconds per character of the
  batches so far size the next one to about ``BATCH_SECONDS``, so a question waits for at most that much bulk work
  whatever the model (16 texts of all-mpnet-base-v2 took 1-3 s on 2 cores); with nobody asking, batches stay as
  large as they were (16 texts or more): small ones would bound nothing then.  Under a stream of questions a batch
  waits twice its own duration (at most ``max_wait``) before it runs anyway: bulk work keeps about a third of the
  time.
- While questions are being asked, bulk work goes to ``qa.bulk_worker``: a process of its own at a low CPU priority
  (``QA_BULK_NICE``) with its own copy of the model, so the kernel, not this gate, puts questions first, and bulk
  work takes every cycle they leave.  Until it has loaded its model (a few seconds), should it fail, and whenever
  nobody has asked for a few seconds, the batches run here as above (at normal priority: an upload into a quiet app
  is not slowed by other programs' load).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from qa.embedding import Embedder

FOREGROUND_TEXTS = 2  # an embed_batch call this small is a question's, not bulk work
BULK_BATCH = 64  # most texts per background batch (fast models); BATCH_SECONDS sizes it below that
BATCH_SECONDS = 0.4  # bulk work per batch: what a question arriving meanwhile may wait for
FIRST_BATCH = 4  # texts in the first batch, before any speed is measured
IDLE_BATCH, IDLE_BATCH_SECONDS = 16, 1.5  # with no question for QUESTIONS_RECENT seconds: at least 16 texts, or 1.5 s
QUESTION_SHARE = 2.0  # under a stream of questions, a batch waits this many times its own duration (questions: 2/3)
MIN_WAIT = 0.25  # ...and at least this long
WORKER_FROM = 48  # bulk work of at least this many texts may start the worker process
WORKER_SLICE = 32  # texts sent to the worker at a time (between them, the choice of worker or inline is made again)
QUESTIONS_RECENT = 5.0  # seconds after a question during which bulk work stays in the worker ("auto")


class PriorityGate:
    """Foreground work (questions) goes first; background batches take turns one at a time when no question is in
    flight, or after waiting ``max_wait`` seconds (so bulk work is never starved)."""

    def __init__(self, max_wait: float = 2.0):
        self.max_wait = max_wait
        self._cond = threading.Condition()
        self._foreground = 0
        self._background_busy = False
        self._last_batch_seconds = 0.0
        self.background_batches = 0  # batches run so far (for tests and benchmarks)
        self._last_foreground_end = float("-inf")

    @contextmanager
    def foreground(self) -> Iterator[None]:
        """Mark a question in flight for the duration of the block."""
        with self._cond:
            self._foreground += 1
        try:
            yield
        finally:
            with self._cond:
                self._foreground -= 1
                self._last_foreground_end = time.monotonic()
                self._cond.notify_all()

    @contextmanager
    def background(self) -> Iterator[None]:
        """Run one background batch: after the questions in flight (or after twice the last batch's duration, at most
        ``max_wait``), and after any other batch."""
        deadline = time.monotonic() + min(self.max_wait, max(MIN_WAIT, QUESTION_SHARE * self._last_batch_seconds))
        with self._cond:
            while True:
                now = time.monotonic()
                if not self._background_busy and (self._foreground == 0 or now >= deadline):
                    break
                self._cond.wait(timeout=max(0.01, deadline - now) if not self._background_busy else None)
            self._background_busy = True
        started = time.monotonic()
        try:
            yield
        finally:
            with self._cond:
                self._last_batch_seconds = time.monotonic() - started
                self._background_busy = False
                self.background_batches += 1
                self._cond.notify_all()

    @property
    def questions_in_flight(self) -> int:
        return self._foreground

    def questions_recent(self, seconds: float) -> bool:
        """A question is in flight, or one ended less than ``seconds`` ago."""
        return self._foreground > 0 or time.monotonic() - self._last_foreground_end < seconds


GATE = PriorityGate()  # process-wide: the cores are shared by every model


class BatchSizer:
    """How many texts make about ``seconds`` of the model's work: seconds per character, measured on the batches
    run so far (the latest weighs half), sizes the next batch; ``first`` texts before anything is measured."""

    def __init__(self, seconds: float = BATCH_SECONDS, first: int = FIRST_BATCH):
        self.seconds, self.first = seconds, first
        self.per_char: float | None = None

    def take(self, texts: Sequence[str], most: int, least: int = 1, seconds: float | None = None) -> int:
        """How many of ``texts`` (from the first) to embed next in about ``seconds`` (default: the sizer's): at least
        ``least`` (and one), at most ``most``."""
        least = max(1, min(least, most, len(texts)))
        if self.per_char is None:
            return max(least, min(self.first, most, len(texts)))
        budget, n = (seconds or self.seconds) / max(self.per_char, 1e-9), 0
        while n < min(most, len(texts)) and (n < least or budget >= len(texts[n]) + 1):
            budget -= len(texts[n]) + 1
            n += 1
        return n

    def record(self, texts: Sequence[str], seconds: float) -> None:
        per_char = seconds / max(1, sum(len(t) + 1 for t in texts))
        self.per_char = per_char if self.per_char is None else (self.per_char + per_char) / 2


_sizers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> its BatchSizer (wrappers come and go)


def _sizer(model: Embedder) -> BatchSizer:
    try:
        return _sizers.setdefault(model, BatchSizer())
    except TypeError:  # not weak-referenceable
        return BatchSizer()


class ScheduledEmbedder(Embedder):
    """``inner`` with questions served ahead of bulk work: ``embed`` jumps the queue; ``embed_batch`` runs in batches
    of about ``BATCH_SECONDS`` (at most ``batch_size`` texts), each taking the model in turn at low priority (the
    model's lock is free in between), or, in a process that answers questions, in the low-priority worker process."""

    def __init__(self, inner: Embedder, gate: PriorityGate | None = None, batch_size: int = BULK_BATCH):
        self.inner = inner
        self.name = getattr(inner, "name", "embedder")
        self.gate = gate or GATE
        self.batch_size = max(1, batch_size)

    def embed(self, text: str) -> list[float]:
        with self.gate.foreground():
            return self.inner.embed(text)

    def embed_query(self, text: str) -> list[float]:
        """The question's vector as the model behind makes it (bge puts its query instruction first), ahead of bulk
        work."""
        from qa.embedding import embed_query

        with self.gate.foreground():
            return embed_query(self.inner, text)

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        texts = list(texts)
        if len(texts) <= FOREGROUND_TEXTS:  # a question's few texts: not bulk work
            with self.gate.foreground():
                return self.inner.embed_batch(texts)
        vectors: list[list[float]] = []
        sizer, worker, i = _sizer(self.inner), None, 0
        while i < len(texts):
            mode = self._bulk_mode()
            if mode != "inline":
                worker = worker or self._worker(start=len(texts) - i >= WORKER_FROM)
                if worker is not None and worker.ready:
                    from qa.bulk_worker import WorkerFailed

                    n = len(texts) - i if mode == "worker" else min(WORKER_SLICE, len(texts) - i)
                    try:
                        vectors.extend(worker.embed_batch(texts[i : i + n]))
                        i += n
                        continue
                    except WorkerFailed:  # logged by the worker; the rest runs here
                        worker = None
            if self.gate.questions_recent(QUESTIONS_RECENT):
                n = sizer.take(texts[i:], self.batch_size)
            else:  # nobody asking: batches as large as before (small ones cost throughput on a busy machine)
                n = sizer.take(texts[i:], self.batch_size, least=IDLE_BATCH, seconds=IDLE_BATCH_SECONDS)
            with self.gate.background():
                started = time.perf_counter()
                vectors.extend(self.inner.embed_batch(texts[i : i + n]))
                sizer.record(texts[i : i + n], time.perf_counter() - started)
            i += n
        return vectors

    def _bulk_mode(self) -> str:
        """Where the next bulk texts go (``QA_BULK_EMBEDDING``): "worker" always; "inline" never; "auto": the worker
        while questions are being asked (one in flight or ended within ``QUESTIONS_RECENT`` seconds), else inline,
        where bulk work gets the whole machine when nobody asks."""
        from qa.settings import get_settings

        mode = get_settings().bulk_embedding
        if mode == "auto":
            return "auto" if self.gate.questions_recent(QUESTIONS_RECENT) else "inline"
        return mode

    def _worker(self, start: bool):
        """The worker process for this model (started when ``start``), or None: not started, a test fake, failed."""
        from qa.bulk_worker import running_worker, worker_for
        from qa.settings import get_settings

        s = get_settings()
        spec = model_spec(self.inner, s.embedding_backend)
        if spec is None:
            return None
        return worker_for(spec, s.bulk_nice, s.bulk_worker_idle) if start else running_worker(spec)

    def __getattr__(self, name: str):  # max_tokens, dims, ... of the model behind
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


def model_spec(model: Embedder, backend: str):
    """What a worker process loads to embed as ``model`` does; None for anything but the real models of
    ``qa.embedding.get_embedder`` (test fakes, wrappers)."""
    from qa.bulk_worker import ModelSpec
    from qa.embedding import SentenceTransformerEmbedder
    from qa.onnx_embedding import OnnxEmbedder

    if type(model) not in (OnnxEmbedder, SentenceTransformerEmbedder):
        return None
    torch = isinstance(model, SentenceTransformerEmbedder)
    return ModelSpec(model.name, int(model.batch_size), "torch" if torch else backend)
