"""Tune the cross-encoder stage (how many candidates it reads, the weight of its score, its temperature) on questions
that are not the ones reported: SQuAD dev-split questions outside `qa eval retrieval --limit 1000`'s sample, the demo
set, and RGB with a 2-fold cross-validation (RGB has no held-out split).

    QA_CACHE=/tmp/h15/cache QA_EMBEDDING_MODEL=bge-small-en-v1.5 python -m qa.benchmarks.cross_tuning squad2 300
    QA_CACHE=... QA_EMBEDDING_MODEL=bge-small-en-v1.5 python -m qa.benchmarks.cross_tuning rgb 0 --folds squad2:300

Reads the index `qa eval retrieval` built for the set (run that first).  For each question it keeps the feature-ranked
pool and the cross-encoder's logit for its 12 best, then scores every (top, weight, temperature) by recall@1,
recall@5 and MRR@10 over distinct documents.  Prints one line per setting and the time the cross-encoder took a
question.  With ``--folds OTHER:N``, RGB's questions are split in two halves (by a hash of their id); for each half the
setting with the best mean of recall@5 and MRR@10 on the other half plus OTHER's N tuning questions is chosen, and
scored on the unseen half.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import time

from qa.evaluation.datasets import load_dataset, sample_questions
from qa.retrieval import RetrievalConfig, Retriever, cross_texts

TOPS = (0, 4, 6, 8, 10, 12)
WEIGHTS = (1.0, 2.0, 3.0, 5.0)
TEMPERATURES = (1.0, 2.0, 3.0, 4.0, 6.0)
WINDOW = int(os.environ.get("QA_TUNE_WINDOW", "360"))  # characters around the best sentence
REPORTED = 1000  # the sample `qa eval retrieval --limit 1000` reports

Run = tuple[list[str], list[float], list[float]]  # a question's ranked doc ids, feature scores, logits of the best


def tuning_questions(dataset: str, n: int):
    _, questions = load_dataset(dataset, "dev")
    answerable = [q for q in questions if q.answerable]
    if dataset != "squad2":
        return answerable[:n] if n else answerable
    reported = {q.qid for q in sample_questions(answerable, limit=REPORTED)}
    rest = [q for q in sample_questions(answerable, limit=len(answerable)) if q.qid not in reported]
    return rest[-n:]  # the far end of the hash order: never in a sample of the first 1,000


class Capture(Retriever):
    """Keeps, per question, the ranked pool (doc ids, scores) and the cross-encoder logit of its best."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.seen: list[Run] = []
        self.seconds = 0.0

    def cross_rerank(self, question, pool, lexical):
        from qa.reranking import CrossEncoder

        if not hasattr(self, "encoder"):
            self.encoder = CrossEncoder(max_tokens=int(os.environ.get("QA_TUNE_TOKENS", "128")))

        texts = cross_texts(question, pool[: max(TOPS)], lexical, WINDOW)  # what the stage reads
        started = time.perf_counter()
        logits = self.encoder.logits(question, texts)
        self.seconds += time.perf_counter() - started
        self.seen.append(([p.doc_id for p in pool], [p.score for p in pool], logits))


def metrics(runs: list[Run], golds: list[set[str]], top: int, weight: float, temperature: float,
            band: float = 0.0) -> tuple[float, float, float]:
    """recall@1, recall@5, MRR@10 over distinct documents when the stage reads the ``top`` best (only those within
    ``band`` of the best feature score, as ``qa.retrieval.contenders``; none when only the best is)."""
    r1 = r5 = mrr = 0.0
    for (docs, scores, logits), gold in zip(runs, golds):
        def score(i: int) -> float:
            return scores[i] + weight / (1.0 + math.exp(-max(-60.0, min(60.0, logits[i] / temperature))))

        n = read(scores, top, band)
        head = sorted(range(n), key=lambda i: -score(i))
        order = head + list(range(n, len(docs)))
        ranked = list(dict.fromkeys(docs[i] for i in order))
        hit = next((i for i, d in enumerate(ranked[:10]) if d in gold), None)
        r1 += hit == 0
        r5 += hit is not None and hit < 5
        mrr += 1 / (hit + 1) if hit is not None else 0
    n = len(runs) or 1
    return r1 / n, r5 / n, mrr / n


def read(scores: list[float], top: int, band: float) -> int:
    """How many of the best the stage reads (qa.retrieval.Retriever.cross_rerank)."""
    n = min(top, len(scores))
    if band > 0 and n:
        n = sum(1 for s in scores[:n] if s >= scores[0] - band)
    return n if n >= 2 else 0


def settings() -> list[tuple[int, float, float]]:
    return [(0, 0.0, 1.0)] + [(t, w, temp) for t in TOPS if t for w in WEIGHTS for temp in TEMPERATURES]


def capture(dataset: str, n: int) -> tuple[list[Run], list[set[str]], list[str], str]:
    from qa import api
    from qa.evaluation.run_retrieval import eval_store

    questions = tuning_questions(dataset, n)
    st = api._store(eval_store(dataset), "eval")
    retriever = Capture(st, api._embedder(st.embedding_model), RetrievalConfig(mode="rerank", cross_top=max(TOPS), w_cross=1.0))
    for q in questions:
        retriever.search(q.question, 10)
    note = (f"{dataset}: {len(questions)} tuning questions, model {st.embedding_model}, "
            f"cross-encoder {1000 * retriever.seconds / max(1, len(questions)):.0f} ms a question on {max(TOPS)} windows")
    return retriever.seen, [set(q.gold_doc_ids) for q in questions], [q.qid for q in questions], note


def cross_validate(runs, golds, qids, other_runs, other_golds) -> None:
    """2-fold: choose on one half (plus the other set), score on the unseen half."""
    half = [int(hashlib.sha1(q.encode()).hexdigest(), 16) % 2 for q in qids]
    unseen = [0.0, 0.0, 0.0]
    for k in (0, 1):
        train = [i for i, h in enumerate(half) if h != k]
        test = [i for i, h in enumerate(half) if h == k]

        def objective(s):
            r1, r5, mrr = metrics([runs[i] for i in train] + other_runs, [golds[i] for i in train] + other_golds, *s)
            return (r5 + mrr) / 2

        best = max(settings(), key=objective)
        scores = metrics([runs[i] for i in test], [golds[i] for i in test], *best)
        off = metrics([runs[i] for i in test], [golds[i] for i in test], 0, 0.0, 1.0)
        print(f"fold {k}: chose top {best[0]} weight {best[1]} temperature {best[2]}; on the unseen {len(test)}: "
              f"recall@1 {scores[0]:.3f} recall@5 {scores[1]:.3f} mrr@10 {scores[2]:.3f} (stage off: {off[0]:.3f} {off[1]:.3f} {off[2]:.3f})")
        unseen = [u + s * len(test) for u, s in zip(unseen, scores)]
    print("unseen halves together: recall@1 {:.3f} recall@5 {:.3f} mrr@10 {:.3f}".format(*(u / len(runs) for u in unseen)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset")
    parser.add_argument("n", type=int, nargs="?", default=300)
    parser.add_argument("--folds", help="OTHER:N: 2-fold cross-validation over the set, tuning with OTHER's N questions too")
    parser.add_argument("--bands", help="comma-separated QA_RERANK_BAND values to score at top 10, weight 3, temperature 4 "
                        "(with the windows read a question, mean and median)")
    args = parser.parse_args()
    runs, golds, qids, note = capture(args.dataset, args.n)
    print(note)
    for band in [float(b) for b in args.bands.split(",")] if args.bands else []:
        counts = sorted(read(scores, 10, band) for _, scores, _ in runs)
        r1, r5, mrr = metrics(runs, golds, 10, 3.0, 4.0, band)
        print(f"band {band:4.2f} (top 10, weight 3, temperature 4): recall@1 {r1:.3f} recall@5 {r5:.3f} mrr@10 {mrr:.3f}; "
              f"windows read: mean {sum(counts) / max(1, len(counts)):.1f}, median {counts[len(counts) // 2] if counts else 0}")
    for s in settings():
        r1, r5, mrr = metrics(runs, golds, *s)
        print(f"top {s[0]:2d} weight {s[1]:3.1f} temperature {s[2]:3.1f}: recall@1 {r1:.3f} recall@5 {r5:.3f} mrr@10 {mrr:.3f}")
    if args.folds:
        other, count = args.folds.split(":")
        other_runs, other_golds, _, other_note = capture(other, int(count))
        print(other_note)
        cross_validate(runs, golds, qids, other_runs, other_golds)


if __name__ == "__main__":
    main()
