"""`qa eval retrieval --dataset FILE.jsonl`: retrieval on the development set of question kinds.

Issue 15 asks that the realistic set's gold document be in the top 5 for at least 0.95 of its questions. The gold
documents of a question are its ``allowed_docs`` (the documents an answer may cite). Questions that allow every
document of their corpus (a summary of everything, a topic summary across all sources) say nothing about ranking and
are left out, as are unanswerable questions and follow-ups (whose meaning needs the conversation before them; the
answering evaluation asks those with their history). Each corpus is read from the same cached store as
``qa eval answers``; figures are printed per corpus and overall, for each retrieval mode.
"""

from __future__ import annotations

from pathlib import Path

from qa.evaluation.metrics import format_table, latency_summary, retrieval_scores

COLUMNS = ["recall@1", "recall@5", "recall@10", "mrr@10", "p50_ms", "p95_ms", "n"]
MODE_LABELS = {"dense": "dense only", "hybrid": "hybrid (BM25 + dense, RRF)", "rerank": "hybrid + rerank (default)"}


def ranking_questions(questions: list, documents_of: dict[str, set[str]]) -> list:
    """The questions whose gold documents are a strict subset of their corpus's documents: answerable, not a
    follow-up, and allowing fewer documents than the corpus holds. ``documents_of``: corpus name -> its doc ids."""
    return [q for q in questions if q.answerable and q.kind != "followup" and q.allowed_docs
            and set(q.allowed_docs) < documents_of.get(q.corpus, set())]


def score_corpus(search, questions: list, k: int = 10) -> tuple[list, list[float]]:
    """``(runs, latencies)`` for :func:`qa.evaluation.metrics.retrieval_scores`: each question searched once."""
    import time

    runs, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        ranked = search(q.question, k)
        latencies.append(time.perf_counter() - started)
        runs.append((ranked, q.allowed_docs, None))
    return runs, latencies


def evaluate_dev_retrieval(path: str | Path, modes=("dense", "hybrid", "rerank"), corpus: str | None = None) -> dict[str, dict]:
    """Scores per mode (and per mode and corpus): ``{"<mode label>": {...}, "<mode label> · <corpus>": {...}}``."""
    from qa import api
    from qa.evaluation.dev_set import load_dev_questions
    from qa.evaluation.run_dev_answers import index_dev_corpus
    from qa.retrieval import RetrievalConfig, Retriever

    questions = load_dev_questions(path, corpus)
    corpora = list(dict.fromkeys(q.corpus for q in questions))
    stores = {name: api._store(index_dev_corpus(name), "eval") for name in corpora}
    documents_of = {name: {d.doc_id for d in st.list_documents()} for name, st in stores.items()}
    chosen = ranking_questions(questions, documents_of)
    results: dict[str, dict] = {}
    for mode in modes:
        all_runs, all_latencies, per_corpus = [], [], {}
        for name, st in stores.items():
            retriever = Retriever(st, api._embedder(st.embedding_model), RetrievalConfig(mode=mode))
            retriever.search("warm up", 5)
            runs, latencies = score_corpus(retriever.search, [q for q in chosen if q.corpus == name])
            per_corpus[name] = _row(runs, latencies)
            all_runs += runs
            all_latencies += latencies
        results[MODE_LABELS[mode]] = _row(all_runs, all_latencies)
        for name, row in per_corpus.items():
            results[f"{MODE_LABELS[mode]} · {name}"] = row
    return results


def _row(runs: list, latencies: list[float]) -> dict:
    row = retrieval_scores(runs, ks=(1, 5, 10), mrr_k=10)
    lat = latency_summary(latencies)
    row.update(p50_ms=lat["p50_ms"], p95_ms=lat["p95_ms"])
    return row


def main(path: str | Path, modes=("dense", "hybrid", "rerank"), corpus: str | None = None) -> str:
    from qa.settings import get_settings

    results = evaluate_dev_retrieval(path, modes, corpus)
    return (f"retrieval on the development set {path} ({get_settings().embedding_model}; gold: the documents an answer "
            f"may cite; questions allowing every document, follow-ups and unanswerable ones left out)\n"
            + format_table(results, COLUMNS))
