"""Questions ahead of bulk embedding: one upload must not freeze every question.

The embedding model runs one call at a time (each model holds a lock while it encodes), and the machine has few
cores.  Ingestion used to hand the model a whole document (1,551 chunks: minutes) in one call, so a question asked
meanwhile waited for all of it.  Here bulk work is cut into small batches, and each batch first waits for its turn at
a process-wide gate: while a question is being answered, bulk batches wait (at most ``max_wait`` seconds each, so
ingestion still advances under a steady stream of questions); a question waits for at most the one small batch
already running.

``ScheduledEmbedder`` wraps any ``qa.embedding.Embedder`` from outside: ``embed`` (one question) is foreground work,
``embed_batch`` (ingestion) is background work.  ``GATE.foreground()`` also marks a whole question in flight
(``qa.api.ask_stream``), so the sentence scoring that follows the question's embedding is not crowded out either.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from qa.embedding import Embedder

FOREGROUND_TEXTS = 2  # an embed_batch call this small is a question's, not bulk work
BULK_BATCH = 16  # texts per background batch: a question waits for at most one such batch (about a second on 2 cores)


class PriorityGate:
    """Foreground work (questions) goes first; background batches take turns one at a time when no question is in
    flight, or after waiting ``max_wait`` seconds (so bulk work is never starved)."""

    def __init__(self, max_wait: float = 2.0):
        self.max_wait = max_wait
        self._cond = threading.Condition()
        self._foreground = 0
        self._background_busy = False
        self.background_batches = 0  # batches run so far (for tests and benchmarks)

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
                self._cond.notify_all()

    @contextmanager
    def background(self) -> Iterator[None]:
        """Run one background batch: after the questions in flight (or ``max_wait``), and after any other batch."""
        deadline = time.monotonic() + self.max_wait
        with self._cond:
            while True:
                now = time.monotonic()
                if not self._background_busy and (self._foreground == 0 or now >= deadline):
                    break
                self._cond.wait(timeout=max(0.01, deadline - now) if not self._background_busy else None)
            self._background_busy = True
        try:
            yield
        finally:
            with self._cond:
                self._background_busy = False
                self.background_batches += 1
                self._cond.notify_all()

    @property
    def questions_in_flight(self) -> int:
        return self._foreground


GATE = PriorityGate()  # process-wide: the cores are shared by every model


class ScheduledEmbedder(Embedder):
    """``inner`` with questions served ahead of bulk work: ``embed`` jumps the queue, ``embed_batch`` runs in batches
    of ``batch_size`` texts, each taking the model in turn at low priority (the model's lock is free in between)."""

    def __init__(self, inner: Embedder, gate: PriorityGate | None = None, batch_size: int = BULK_BATCH):
        self.inner = inner
        self.name = getattr(inner, "name", "embedder")
        self.gate = gate or GATE
        self.batch_size = max(1, batch_size)

    def embed(self, text: str) -> list[float]:
        with self.gate.foreground():
            return self.inner.embed(text)

    def embed_query(self, text: str) -> list[float]:
        """The question's vector as the model behind makes it (bge puts its query instruction first), ahead of bulk work."""
        from qa.embedding import embed_query

        with self.gate.foreground():
            return embed_query(self.inner, text)

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        texts = list(texts)
        if len(texts) <= FOREGROUND_TEXTS:  # a question's few texts: not bulk work
            with self.gate.foreground():
                return self.inner.embed_batch(texts)
        vectors: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            with self.gate.background():
                vectors.extend(self.inner.embed_batch(texts[i : i + self.batch_size]))
        return vectors

    def __getattr__(self, name: str):  # max_tokens, dims, ... of the model behind
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)
