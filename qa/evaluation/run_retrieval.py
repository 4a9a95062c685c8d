"""`qa eval retrieval`: index an evaluation set's corpus and score retrieval against the tutorial baseline.

For each system it prints recall@1/5/10, MRR@10 and query latency p50/p95 over the set's answerable questions, and
answer@5: the share of questions with a gold answer string in a top-5 passage, labelled gold or not (RGB's labels
miss snippets that hold the answer).
The pipeline's index is kept in a cache folder (ingestion is idempotent, so a second run only loads it); the
baseline is rebuilt in memory each run, as a tutorial would.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from qa.evaluation.datasets import load_dataset
from qa.evaluation.metrics import answer_in_top_k, format_table, latency_summary, retrieval_scores

MODES = ("dense", "hybrid", "rerank")
COLUMNS = ["recall@1", "recall@5", "recall@10", "mrr@10", "answer@5", "p50_ms", "p95_ms", "n"]


def eval_store(dataset: str) -> Path:
    """Where a set's index is cached: $QA_CACHE/eval/<model>/<set> (default ~/.cache/qa/eval/<model>/<set>)."""
    from qa.settings import get_settings

    return Path(os.environ.get("QA_CACHE", Path.home() / ".cache" / "qa")) / "eval" / get_settings().embedding_model / dataset


def index_corpus(dataset: str, corpus, store: Path) -> None:
    from qa import api

    started = time.perf_counter()
    report = api.ingest(list(corpus.sources), store=store, collection="eval", show_progress=sys.stderr.isatty())
    print(f"[{dataset}] index: {len(report.added)} added, {len(report.skipped)} unchanged, {report.chunks_added} chunks in "
          f"{time.perf_counter() - started:.1f}s ({store})", file=sys.stderr, flush=True)


def score_system(search, questions, k: int = 10) -> dict:
    """Run ``search(question, k) -> ranked items`` over the answerable questions; recall, MRR and latency."""
    runs, latencies, answer_hits = [], [], []
    for q in questions:
        if not q.answerable:
            continue
        started = time.perf_counter()
        ranked = search(q.question, k)
        latencies.append(time.perf_counter() - started)
        runs.append((ranked, q.gold_doc_ids, q.evidence))
        if q.answers:
            answer_hits.append(answer_in_top_k(ranked, q.answers, 5))
    scores = retrieval_scores(runs, ks=(1, 5, 10), mrr_k=10)
    scores["answer@5"] = sum(answer_hits) / len(answer_hits) if answer_hits else float("nan")
    lat = latency_summary(latencies)
    scores.update(p50_ms=lat["p50_ms"], p95_ms=lat["p95_ms"])
    return scores


def evaluate_retrieval(dataset: str, split: str = "dev", limit: int | None = None, modes=MODES, baseline: bool = True,
                       store: Path | None = None) -> dict[str, dict]:
    """Scores per system, for one set."""
    from qa import api
    from qa.retrieval import RetrievalConfig, Retriever

    corpus, questions = load_dataset(dataset, split)
    questions = [q for q in questions if q.answerable]
    if limit:
        from qa.evaluation.datasets import sample_questions

        questions = sample_questions(questions, limit=limit)
    store = store or eval_store(dataset)
    index_corpus(dataset, corpus, store)
    results: dict[str, dict] = {}
    st = api._store(store, "eval")
    embedder = api._embedder(st.embedding_model)
    if baseline:
        from qa.evaluation.baseline import TutorialBaseline

        base = TutorialBaseline(corpus.records, embedder.embed_batch)
        try:
            results["tutorial baseline (k=5 chunks of 1000)"] = score_system(lambda q, k: base.search(q, k), questions)
        finally:
            base.close()
    st.lexical()  # load (or rebuild) before timing
    for mode in modes:
        retriever = Retriever(st, embedder, RetrievalConfig(mode=mode))
        retriever.search("warm up", 5)
        label = {"dense": "dense only", "hybrid": "hybrid (BM25 + dense, RRF)", "rerank": "hybrid + rerank (default)"}[mode]
        results[label] = score_system(retriever.search, questions)
    return results


def main(dataset: str, split: str = "dev", limit: int | None = None, modes=MODES, baseline: bool = True) -> str:
    results = evaluate_retrieval(dataset, split, limit, modes, baseline)
    return f"retrieval on {dataset} ({split} split, answerable questions)\n" + format_table(results, COLUMNS)
