"""What the cross-encoder stage costs a query, setting against setting, in one process: the stage off, Session 7's
stage (10 windows of 360 characters in one ONNX Runtime call) and the present defaults, asked in turn question by
question, so that load from other processes hits all of them alike.

    QA_CACHE=... python -m qa.benchmarks.rerank_latency synthetic:10000 --queries 30
    QA_CACHE=... python -m qa.benchmarks.rerank_latency squad2 --queries 30 --variant top=6 --variant window=220

``synthetic:N`` is `qa bench`'s cached synthetic collection of N chunks (built the first time) with its questions;
``realtext:N`` its real-text collection (qa.benchmarks.real_text: SQuAD passages among installed documentation) with
SQuAD dev questions;
a dataset name (squad2, rgb, demo) is the index `qa eval retrieval` built for it, with its dev-split questions.
``--variant`` adds a setting: comma-separated ``top=``, ``window=``, ``run=`` (padded tokens per ONNX Runtime call, 0: each
window alone),
``weight=``, ``temperature=``, ``band=`` (QA_RERANK_BAND).  Prints wall-clock p50 / p95 of the whole search
(and the process's CPU time a query, all its threads) for each setting, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

from qa.benchmarks.stats import load_average, summarize

SESSION_7 = {"top": 10, "window": 360, "run": 4096, "band": 0.0}  # the stage as Session 7 left it
KEYS = {"run": ("cross_run_tokens", int), "top": ("cross_top", int), "window": ("cross_window", int), "weight": ("w_cross", float),
        "temperature": ("t_cross", float), "band": ("cross_band", float)}


def parse_variant(text: str) -> dict[str, float]:
    """'top=6,window=220' -> {'top': 6, 'window': 220}; a clear error for an unknown key."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        if key not in KEYS:
            raise SystemExit(f"Unknown key {key!r} in --variant {text!r}: use {', '.join(KEYS)}.")
        out[key] = float(value)
    return out


def make_retriever(store, embedder, variant: dict[str, float]):
    """A Retriever with the defaults changed by ``variant``."""
    from qa.retrieval import RetrievalConfig, Retriever

    return Retriever(store, embedder, replace(RetrievalConfig(mode="rerank"), **{KEYS[k][0]: KEYS[k][1](v) for k, v in variant.items()}))


def open_target(target: str, queries: int):
    """(store, questions) for ``synthetic:N`` or a dataset name."""
    from qa import api

    if target.startswith("synthetic:"):
        from qa.bench import cache_dir
        from qa.benchmarks.synthetic import synthetic_index
        from qa.settings import get_settings
        from qa.store import ChromaStore

        model = get_settings().embedding_model
        idx = synthetic_index(cache_dir(), int(float(target.split(":", 1)[1])), model, progress=print)
        return ChromaStore(idx.collection, model, path=idx.path, create=False), [q["question"] for q in idx.questions][: queries + 2]
    if target.startswith("realtext:"):
        from qa.bench import cache_dir
        from qa.benchmarks.real_text import real_text_index
        from qa.settings import get_settings

        idx = real_text_index(cache_dir(), int(float(target.split(":", 1)[1])), get_settings().embedding_model, progress=print)
        return api._store(idx.path, idx.collection), [q["question"] for q in idx.questions][: queries + 2]
    from qa.benchmarks.cross_tuning import tuning_questions
    from qa.evaluation.run_retrieval import eval_store

    store = api._store(eval_store(target), "eval")
    return store, [q.question for q in tuning_questions(target, queries + 2)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", help="synthetic:N, realtext:N or a dataset (squad2, rgb, demo)")
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--variant", action="append", default=[], help="e.g. top=6,window=220 (repeatable)")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    from qa import api

    store, questions = open_target(args.target, args.queries)
    embedder = api._embedder(store.embedding_model)
    settings = {"stage off": {"top": 0}, "Session 7 (10 x 360 chars, one run)": SESSION_7, "defaults": {}}
    settings.update({f"variant {v}": parse_variant(v) for v in args.variant})
    retrievers = {name: make_retriever(store, embedder, v) for name, v in settings.items()}
    for q in questions[:2]:  # warm-up, not timed
        for r in retrievers.values():
            r.search(q, args.k)
    wall: dict[str, list[float]] = {n: [] for n in retrievers}
    cpu: dict[str, list[float]] = {n: [] for n in retrievers}
    load_before = load_average()
    for q in questions[2:]:
        for name, r in retrievers.items():
            t, c = time.perf_counter(), time.process_time()
            r.search(q, args.k)
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    load_after = load_average()
    print(f"{args.target}: {store.count():,} chunks, {len(questions) - 2} questions; load average {load_before[0]:.1f} -> {load_after[0]:.1f}"
          f" ({os.cpu_count()} cores)")
    for name in retrievers:
        w, c = summarize(wall[name]), summarize(cpu[name])
        print(f"  {name:44s} wall p50 {w['p50_ms']:6.1f} ms  p95 {w['p95_ms']:6.1f} ms   CPU p50 {c['p50_ms']:6.1f} ms")


if __name__ == "__main__":
    main()
