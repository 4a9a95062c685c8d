"""Tune the cross-encoder stage (how many candidates it reads, the weight of its score, its temperature) on questions
that are not the ones reported: SQuAD dev-split questions outside `qa eval retrieval --limit 1000`'s sample, the demo
set, and RGB with a 2-fold cross-validation (RGB has no held-out split).

    QA_CACHE=/tmp/h15/cache QA_EMBEDDING_MODEL=bge-small-en-v1.5 python -m qa.benchmarks.cross_tuning squad2 300
    QA_CACHE=... QA_EMBEDDING_MODEL=bge-small-en-v1.5 python -m qa.benchmarks.cross_tuning rgb 0 --folds squad2:300
    ... cross_tuning rgb 0 --folds squad2:300 --combine logistic,softmax,cross --keep /tmp/pools

Reads the index `qa eval retrieval` built for the set (run that first).  For each question it keeps the feature-ranked
pool and the cross-encoder's logit for its 12 best, then scores every (top, weight, temperature) by recall@1,
recall@5 and MRR@10 over distinct documents.  Prints one line per setting and the time the cross-encoder took a
question.  With ``--folds OTHER:N``, RGB's questions are split in two halves (by a hash of their id); for each half the
setting with the best mean of recall@5 and MRR@10 on the other half plus OTHER's N tuning questions is chosen, and
scored on the unseen half.  ``--combine`` compares ways of joining the cross-encoder's logits to the feature score
(``qa.retrieval.cross_relevance``'s logistic and softmax, and the cross-encoder alone ordering what it read), each with
its own grid and cross-validation.  ``--keep DIR`` saves each captured pool as JSON there and reads it back next
time, for the same set, number of questions, window and embedding model (the capture is the slow part: about
0.4-1.5 s a question).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from pathlib import Path

from qa.evaluation.datasets import load_dataset, sample_questions
from qa.retrieval import RetrievalConfig, Retriever, cross_relevance, cross_texts

TOPS = (0, 4, 6, 8, 10, 12)
WEIGHTS = (1.0, 2.0, 3.0, 5.0)
TEMPERATURES = (1.0, 2.0, 3.0, 4.0, 6.0)
COMBINES = ("logistic", "softmax", "cross")  # cross: the cross-encoder alone orders what it read (weight, temperature unused)
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
            band: float = 0.0, combine: str = "logistic") -> tuple[float, float, float]:
    """recall@1, recall@5, MRR@10 over distinct documents when the stage reads the ``top`` best (only those within
    ``band`` of the best feature score, as ``qa.retrieval.contenders``; none when only the best is), their logits
    joined to the feature score by ``combine`` (one of COMBINES)."""
    r1 = r5 = mrr = 0.0
    for (docs, scores, logits), gold in zip(runs, golds):
        n = read(scores, top, band)
        if combine == "cross":
            key = logits[:n]
        else:
            key = [s + weight * r for s, r in zip(scores, cross_relevance(logits[:n], temperature, combine))]
        head = sorted(range(n), key=lambda i: -key[i])
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


def settings(combine: str = "logistic", bands: tuple[float, ...] = (0.0,)) -> list[tuple]:
    """The grid: (top, weight, temperature, band, combine), the stage off first."""
    if combine == "cross":
        return [(0, 0.0, 1.0, 0.0, combine)] + [(t, 1.0, 1.0, b, combine) for t in TOPS if t for b in bands]
    return [(0, 0.0, 1.0, 0.0, combine)] + [(t, w, temp, b, combine) for t in TOPS if t for w in WEIGHTS
                                            for temp in TEMPERATURES for b in bands]


def capture(dataset: str, n: int, keep: str | None = None) -> tuple[list[Run], list[set[str]], list[str], str]:
    """Each question's pool and logits (read back from ``keep``/<set>-<n>-<window>-<model>.json when saved there before)."""
    from qa.settings import get_settings

    saved = Path(keep) / f"{dataset}-{n}-{WINDOW}-{get_settings().embedding_model}.json" if keep else None
    if saved and saved.exists():
        data = json.loads(saved.read_text())
        return [tuple(r) for r in data["runs"]], [set(g) for g in data["golds"]], data["qids"], data["note"] + f" (read from {saved})"
    runs, golds, qids, note = _capture(dataset, n)
    if saved:
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps({"runs": runs, "golds": [sorted(g) for g in golds], "qids": qids, "note": note}))
    return runs, golds, qids, note


def _capture(dataset: str, n: int) -> tuple[list[Run], list[set[str]], list[str], str]:
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


def cross_validate(runs, golds, qids, other_runs, other_golds, grid: list[tuple] | None = None) -> tuple[float, float, float]:
    """2-fold: choose on one half (plus the other set) among ``grid`` (default ``settings()``), score on the unseen
    half; returns recall@1, recall@5 and MRR@10 of both unseen halves together."""
    half = [int(hashlib.sha1(q.encode()).hexdigest(), 16) % 2 for q in qids]
    unseen = [0.0, 0.0, 0.0]
    for k in (0, 1):
        train = [i for i, h in enumerate(half) if h != k]
        test = [i for i, h in enumerate(half) if h == k]

        def objective(s):
            r1, r5, mrr = metrics([runs[i] for i in train] + other_runs, [golds[i] for i in train] + other_golds, *s)
            return (r5 + mrr) / 2

        best = max(grid or settings(), key=objective)
        scores = metrics([runs[i] for i in test], [golds[i] for i in test], *best)
        off = metrics([runs[i] for i in test], [golds[i] for i in test], 0, 0.0, 1.0)
        print(f"fold {k}: chose {describe(best)}; on the unseen {len(test)}: "
              f"recall@1 {scores[0]:.3f} recall@5 {scores[1]:.3f} mrr@10 {scores[2]:.3f} (stage off: {off[0]:.3f} {off[1]:.3f} {off[2]:.3f})")
        unseen = [u + s * len(test) for u, s in zip(unseen, scores)]
    together = tuple(u / max(1, len(runs)) for u in unseen)
    print("unseen halves together: recall@1 {:.3f} recall@5 {:.3f} mrr@10 {:.3f}".format(*together))
    return together


def describe(setting: tuple) -> str:
    top, weight, temperature, band, combine = (tuple(setting) + (0.0, "logistic"))[:5]
    if combine == "cross":
        return f"top {top:2d} band {band:4.2f} cross-encoder alone"
    return f"top {top:2d} weight {weight:3.1f} temperature {temperature:3.1f} band {band:4.2f} {combine}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset")
    parser.add_argument("n", type=int, nargs="?", default=300)
    parser.add_argument("--folds", help="OTHER:N: 2-fold cross-validation over the set, tuning with OTHER's N questions too")
    parser.add_argument("--bands", help="comma-separated QA_RERANK_BAND values to score at top 10, weight 3, temperature 4 "
                        "(with the windows read a question, mean and median)")
    parser.add_argument("--combine", help=f"comma-separated ways to join the logits to the feature score ({', '.join(COMBINES)}): "
                        "each one's grid (bands 0, 0.25, 0.35) and, with --folds, its cross-validation")
    parser.add_argument("--keep", help="folder to save captured pools in and read them back from")
    args = parser.parse_args()
    runs, golds, qids, note = capture(args.dataset, args.n, args.keep)
    print(note)
    for band in [float(b) for b in args.bands.split(",")] if args.bands else []:
        counts = sorted(read(scores, 10, band) for _, scores, _ in runs)
        r1, r5, mrr = metrics(runs, golds, 10, 3.0, 4.0, band)
        print(f"band {band:4.2f} (top 10, weight 3, temperature 4): recall@1 {r1:.3f} recall@5 {r5:.3f} mrr@10 {mrr:.3f}; "
              f"windows read: mean {sum(counts) / max(1, len(counts)):.1f}, median {counts[len(counts) // 2] if counts else 0}")
    combines = args.combine.split(",") if args.combine else []
    grids = {c: settings(c, (0.0, 0.25, 0.35)) for c in combines} or {"logistic": settings()}
    for grid in grids.values():  # every setting; with --combine only the stage off and each rule's 5 best (recall@1, then MRR)
        scored = [(s, metrics(runs, golds, *s)) for s in grid]
        shown = scored if not combines else scored[:1] + sorted(scored[1:], key=lambda x: (-x[1][0], -x[1][2]))[:5]
        for s, (r1, r5, mrr) in shown:
            print(f"{describe(s)}: recall@1 {r1:.3f} recall@5 {r5:.3f} mrr@10 {mrr:.3f}")
    if args.folds:
        other, count = args.folds.split(":")
        other_runs, other_golds, _, other_note = capture(other, int(count), args.keep)
        print(other_note)
        for combine, grid in grids.items():
            print(f"-- cross-validation, {combine}:")
            cross_validate(runs, golds, qids, other_runs, other_golds, grid)


if __name__ == "__main__":
    main()
