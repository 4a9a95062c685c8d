"""Query latency on one collection: retrieval alone (dense), the default search of ``qa.api.search``, retrieval with
reranking, and a full extractive answer (the default search plus the extractive generator, as ``qa.api.ask`` does)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from qa.benchmarks.stats import load_average, summarize


def _found(answers: list[str], texts: list[str]) -> bool:
    low = [t.lower() for t in texts]
    return any(a.lower() in t for a in answers for t in low)


def query_latency(store_path: Path, collection: str, questions: list[dict], *, k: int = 5, queries: int = 30, answers: int = 10,
                  asks: int = 3, progress: Callable[[str], None] | None = None) -> dict:
    """Latencies (seconds -> summaries in ms) over ``questions`` (dicts with "question" and "answers").

    The modes are interleaved question by question, so a burst of load from other processes hits all of them alike."""
    from qa import api
    from qa.api import compose_answer
    from qa.embedding import get_embedder
    from qa.generation import get_generator
    from qa.retrieval import RetrievalConfig, Retriever
    from qa.settings import get_settings
    from qa.store import ChromaStore

    s = get_settings()
    say = progress or (lambda _m: None)
    where = {"store": store_path, "collection": collection}
    load_before = load_average()[0]
    first = questions[0]["question"]
    started = time.perf_counter()
    api.search(first, k, **where)  # cold: opens the store, loads the lexical index and the vector index
    cold = time.perf_counter() - started

    store = ChromaStore(collection, s.embedding_model, path=store_path, create=False)
    embedder = get_embedder(s.embedding_model, s.embedding_batch_size, s.embedding_backend)
    dense = Retriever(store, embedder, RetrievalConfig(mode="dense"))
    rerank = Retriever(store, embedder, RetrievalConfig(mode="rerank"))
    default_mode = Retriever(store, embedder).config.mode
    generator = get_generator("extractive")
    for q in questions[:2]:  # warm-up, not timed
        dense.search(q["question"], k), rerank.search(q["question"], k), api.search(q["question"], k, **where)

    times: dict[str, list[float]] = {"dense": [], "search": [], "rerank": [], "generate": [], "answer": [], "ask": []}
    found = {"dense": 0, "search": 0, "rerank": 0, "answer": 0}
    for i, q in enumerate(questions[:queries]):
        for name, run in (("dense", lambda x: dense.search(x, k)), ("search", lambda x: api.search(x, k, **where)),
                          ("rerank", lambda x: rerank.search(x, k))):
            t = time.perf_counter()
            passages = run(q["question"])
            times[name].append(time.perf_counter() - t)
            found[name] += _found(q["answers"], [p.text for p in passages])
        if i < answers:  # the answer path: what qa.api.ask does, timed in its two parts
            t = time.perf_counter()
            passages = api.search(q["question"], k, **where)
            t_search = time.perf_counter() - t
            t = time.perf_counter()
            draft = generator.generate(q["question"], passages)
            answer = compose_answer(q["question"], passages, draft, generator.name)
            t_gen = time.perf_counter() - t
            times["generate"].append(t_gen)
            times["answer"].append(t_search + t_gen)
            found["answer"] += answer.grounded and _found(q["answers"], [answer.text])
        if i < asks:  # and a few through qa.api.ask itself, as a check on the sum above
            t = time.perf_counter()
            api.ask(q["question"], k=k, generator="extractive", **where)
            times["ask"].append(time.perf_counter() - t)
    say(f"{collection}: {len(times['dense'])} queries timed")
    return {
        "collection": collection, "chunks": store.count(), "default_mode": default_mode, "cold_first_search_ms": cold * 1000,
        "summaries": {name: summarize(v) for name, v in times.items()},
        "found": {name: (n, len(times["answer"] if name == "answer" else times[name])) for name, n in found.items()},
        "load": (load_before, load_average()[0]),
    }
