"""Tune the cross-encoder stage (how many candidates it reads, the weight of its probability) on questions that are
not the ones reported: SQuAD dev-split questions outside `qa eval retrieval --limit 1000`'s sample, and the demo set.

    QA_CACHE=/tmp/h15/cache QA_EMBEDDING_MODEL=bge-small-en-v1.5 python -m qa.benchmarks.cross_tuning squad2 300

Reads the index `qa eval retrieval` built for the set (run that first).  For each question it keeps the feature-ranked
pool and the cross-encoder's probability for its 12 best, then scores every (top, weight) pair by recall@1, recall@5
and MRR@10 over distinct documents.  Prints one line per pair and the time the cross-encoder took a question.
"""

from __future__ import annotations

import os
import sys
import time

from qa.evaluation.datasets import load_dataset, sample_questions
from qa.lexical import stems
from qa.retrieval import RetrievalConfig, Retriever

TOPS = (0, 4, 6, 8, 10, 12)
WEIGHTS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)
WINDOW = int(os.environ.get("QA_TUNE_WINDOW", "360"))  # characters around the best sentence
REPORTED = 1000  # the sample `qa eval retrieval --limit 1000` reports


def tuning_questions(dataset: str, n: int):
    _, questions = load_dataset(dataset, "dev")
    answerable = [q for q in questions if q.answerable]
    if dataset != "squad2":
        return answerable[:n] if n else answerable
    reported = {q.qid for q in sample_questions(answerable, limit=REPORTED)}
    rest = [q for q in sample_questions(answerable, limit=len(answerable)) if q.qid not in reported]
    return rest[-n:]  # the far end of the hash order: never in a sample of the first 1,000


class Capture(Retriever):
    """Keeps, per question, the ranked pool (doc ids, scores) and the cross-encoder probability of its best."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.seen: list[tuple[list[str], list[float], list[float]]] = []
        self.seconds = 0.0

    def cross_rerank(self, question, pool, lexical):
        from qa.reranking import CrossEncoder, best_window

        if not hasattr(self, "encoder"):
            self.encoder = CrossEncoder(max_tokens=int(os.environ.get("QA_TUNE_TOKENS", "128")))

        top = pool[: max(TOPS)]
        q_stems = set(stems(question))
        texts = [f"{p.title}\n{best_window(p.text, lexical.idf, q_stems, WINDOW)}" for p in top]
        started = time.perf_counter()
        relevance = self.encoder.scores(question, texts)
        self.seconds += time.perf_counter() - started
        self.seen.append(([p.doc_id for p in pool], [p.score for p in pool], relevance))


def metrics(runs, golds, top: int, weight: float) -> tuple[float, float, float]:
    r1 = r5 = mrr = 0.0
    for (docs, scores, relevance), gold in zip(runs, golds):
        head = sorted(range(min(top, len(docs))), key=lambda i: -(scores[i] + weight * relevance[i]))
        order = head + list(range(len(head), len(docs)))
        ranked = list(dict.fromkeys(docs[i] for i in order))
        hit = next((i for i, d in enumerate(ranked[:10]) if d in gold), None)
        r1 += hit == 0
        r5 += hit is not None and hit < 5
        mrr += 1 / (hit + 1) if hit is not None else 0
    n = len(runs) or 1
    return r1 / n, r5 / n, mrr / n


def main(dataset: str, n: int) -> None:
    from qa import api
    from qa.evaluation.run_retrieval import eval_store

    questions = tuning_questions(dataset, n)
    st = api._store(eval_store(dataset), "eval")
    retriever = Capture(st, api._embedder(st.embedding_model), RetrievalConfig(mode="rerank", cross_top=max(TOPS), w_cross=1.0))
    for q in questions:
        retriever.search(q.question, 10)
    golds = [set(q.gold_doc_ids) for q in questions]
    print(f"{dataset}: {len(questions)} tuning questions, model {st.embedding_model}, "
          f"cross-encoder {1000 * retriever.seconds / max(1, len(questions)):.0f} ms a question on {max(TOPS)} windows")
    for top in TOPS:
        for weight in WEIGHTS if top else (0.0,):
            r1, r5, mrr = metrics(retriever.seen, golds, top, weight)
            print(f"top {top:2d} weight {weight:4.2f}: recall@1 {r1:.3f} recall@5 {r5:.3f} mrr@10 {mrr:.3f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 300)
