"""Question -> passages: hybrid retrieval.

1. candidates from both the dense index (Chroma, cosine) and the lexical index (BM25), fused by reciprocal rank;
2. reranked by a score that weighs meaning (cosine), BM25, how many of the question's rarer words and figures the
   passage holds, whether its title names the question's subject, and for a 'when' question whether it gives a date;
3. the few best read by a cross-encoder (qa.reranking) with the question, on a window around each one's best
   sentence; its probability is added to their score (QA_RERANK_TOP=0 turns this off);
4. near-duplicate chunks dropped, and hits that are neighbours in one document joined into one passage.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from qa.embedding import Embedder, embed_query
from qa.lexical import asks_for_a_date, numbers, states_a_date, stems
from qa.store import ChromaStore
from qa.types import Passage


@dataclass
class RetrievalConfig:
    """How candidates are found and ranked (defaults measured on the SQuAD 2.0 dev split and RGB: see README)."""

    mode: str = "rerank"  # "dense", "lexical", "hybrid" (fusion only) or "rerank" (fusion + rerank)
    candidates: int = 30  # taken from each index
    rrf_k: int = 60
    # Weights of the rerank score, used with either model: chosen with all-mpnet-base-v2 by a grid search for the best
    # mean of recall@5 and MRR@10 over 800 SQuAD 2.0 dev-split questions and the 50 RGB questions (README, Retrieval).
    w_dense: float = 1.0
    w_bm25: float = 0.15
    w_coverage: float = 0.4
    w_numbers: float = 0.2
    w_title: float = 0.1
    w_date: float = 0.1  # "when" question, passage gives a full date (RGB recall@5: mpnet 0.94->0.98, MiniLM 0.86->0.90)
    # The cross-encoder stage (qa.reranking): how many of the best candidates it reads (0: off), the weight of its score
    # and its temperature; defaults from settings (QA_RERANK_TOP, QA_RERANK_WEIGHT, QA_RERANK_TEMPERATURE;
    # docs/benchmarks.md).
    cross_top: int = field(default_factory=lambda: _settings().rerank_top)
    w_cross: float = field(default_factory=lambda: _settings().rerank_weight)
    t_cross: float = field(default_factory=lambda: _settings().rerank_temperature)  # logit / t before the logistic
    cross_combine: str = field(default_factory=lambda: _settings().rerank_combine)  # "logistic" or "softmax" (QA_RERANK_COMBINE; cross_relevance)
    cross_window: int = field(default_factory=lambda: _settings().rerank_window)  # characters read of each (QA_RERANK_WINDOW)
    cross_band: float = field(default_factory=lambda: _settings().rerank_band)  # only those this close to the best (QA_RERANK_BAND)
    cross_run_tokens: int = 0  # padded tokens per ONNX Runtime call; 0: each window alone, two at a time on the two cores (Session 10: 145 ms against 175 ms for all in one run, and a window's logit no longer moves with the others)
    duplicate_overlap: float = 0.8  # a chunk sharing this much of its words with a better one is dropped
    join_neighbours: bool = True

    def feature_weights(self) -> dict[str, float]:
        """The weight of each feature of ``candidate_features``."""
        return {"dense": self.w_dense, "bm25": self.w_bm25, "coverage": self.w_coverage, "numbers": self.w_numbers,
                "title": self.w_title, "date": self.w_date}


def rrf(rankings: Sequence[Sequence[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings an id appears in."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


class Retriever:
    """Hybrid retrieval over one store."""

    def __init__(self, store: ChromaStore, embedder: Embedder, config: RetrievalConfig | None = None):
        self.store = store
        self.embedder = embedder
        self.config = config or RetrievalConfig()

    def search(self, question: str, k: int = 5, documents: Sequence[str] | None = None) -> list[Passage]:
        """The k best passages for the question, best first; only from ``documents`` (doc_ids) when given."""
        cfg = self.config
        qvec = embed_query(self.embedder, question)  # with the model's query instruction, if it has one
        if cfg.mode == "dense":
            return self.store.query(qvec, k, documents)
        lexical = self.store.lexical()
        bm25 = dict(lexical.search(question, cfg.candidates, documents))
        if cfg.mode == "lexical":
            ranked = self.store.get_passages(list(bm25), qvec)
            for p in ranked:
                p.score = bm25[p.chunk_id]
            return ranked[:k]
        dense = self.store.query(qvec, cfg.candidates, documents)
        fused = rrf([[p.chunk_id for p in dense], list(bm25)], cfg.rrf_k)
        by_id = {p.chunk_id: p for p in dense}
        missing = [i for i in fused if i not in by_id]
        by_id.update({p.chunk_id: p for p in self.store.get_passages(missing, qvec)})
        pool = [by_id[i] for i in sorted(fused, key=lambda i: -fused[i]) if i in by_id]
        words = {p.chunk_id: set(stems(p.text)) for p in pool}  # stemmed once, for the rerank and the de-duplication
        if cfg.mode == "hybrid":
            for p in pool:
                p.score = fused[p.chunk_id]
        else:
            self.rerank(question, pool, bm25, lexical, words)
            pool.sort(key=lambda p: -p.score)
            self.cross_rerank(question, pool, lexical)
        return self.diversify(pool, k, words)

    def rerank(self, question: str, pool: list[Passage], bm25: dict[str, float], lexical, words: dict[str, set[str]]) -> None:
        """Score each candidate in place by a weighted sum of its features (``words``: each candidate's stems)."""
        weights = self.config.feature_weights()
        for p, features in zip(pool, candidate_features(question, pool, bm25, lexical, words)):
            p.score = sum(weights[name] * value for name, value in features.items())

    def cross_rerank(self, question: str, pool: list[Passage], lexical) -> None:
        """Re-order the ``cross_top`` best of a ranked pool (only those within ``cross_band`` of the best: see
        ``contenders``) in place: each score gains ``w_cross`` x the cross-encoder's
        judgement that a window around the candidate's best sentence answers the question (the logistic of its logit
        divided by ``t_cross``: the plain probability saturates near 1 for every candidate on the subject)."""
        cfg = self.config
        top = contenders(pool[: cfg.cross_top], cfg.cross_band)
        if len(top) < 2 or cfg.w_cross == 0:
            return
        from qa.reranking import get_cross_encoder

        encoder = get_cross_encoder()
        texts = cross_texts(question, top, lexical, cfg.cross_window)
        logits = encoder.logits(question, texts, cfg.cross_run_tokens)
        for p, relevance in zip(top, cross_relevance(logits, cfg.t_cross, cfg.cross_combine)):
            p.score += cfg.w_cross * relevance
        pool[: len(top)] = sorted(top, key=lambda p: -p.score)

    def diversify(self, ranked: list[Passage], k: int, stemmed: dict[str, set[str]] | None = None) -> list[Passage]:
        """Drop near-duplicates of better passages; join a hit to an already chosen neighbour in its document.
        ``stemmed``: each passage's stems by chunk_id, when the caller already has them."""
        chosen: list[Passage] = []
        seen: list[set[str]] = []
        for p in ranked:
            words = stemmed[p.chunk_id] if stemmed and p.chunk_id in stemmed else set(stems(p.text))
            twin = next((c for c, s in zip(chosen, seen) if len(words & s) / max(1, min(len(words), len(s))) >= self.config.duplicate_overlap), None)
            if twin is not None and (twin.doc_id == p.doc_id or not numbers(p.text) - numbers(twin.text)):
                continue  # kept only when another document's copy gives other figures: the sources disagree
            neighbour = next((c for c in chosen if self.config.join_neighbours and _adjacent(c, p)), None)
            if neighbour is not None:
                _join(neighbour, p)
                seen[chosen.index(neighbour)] |= words
                continue
            chosen.append(p)
            seen.append(set(words))  # grows when neighbours are joined; the caller's sets stay as they were
            if len(chosen) == k:
                break
        return chosen


def candidate_features(question: str, pool: Sequence[Passage], bm25: dict[str, float], lexical,
                       words: dict[str, set[str]]) -> list[dict[str, float]]:
    """The rerank's features of each candidate, in order (names as in ``RetrievalConfig.feature_weights``): cosine,
    BM25 over the best BM25, the idf-weighted share of the question's words it holds, the share of the question's
    figures, the share of the question's words in its title and heading, whether it states a full date (only for a
    'when' question).  ``words``: each candidate's stems by chunk_id."""
    q_stems = list(dict.fromkeys(stems(question)))
    weights = {t: lexical.idf(t) for t in q_stems}
    total = sum(weights.values()) or 1.0
    q_numbers = numbers(question)
    top_bm25 = max(bm25.values(), default=0.0) or 1.0
    wants_date = asks_for_a_date(question)
    out = []
    for p in pool:
        have = words[p.chunk_id]
        title = set(stems(f"{p.title} {p.heading}"))
        out.append({
            "dense": p.score,
            "bm25": bm25.get(p.chunk_id, 0.0) / top_bm25,
            "coverage": sum(w for t, w in weights.items() if t in have) / total,
            "numbers": len(q_numbers & numbers(p.text)) / len(q_numbers) if q_numbers else 0.0,
            "title": sum(w for t, w in weights.items() if t in title) / total,
            "date": float(states_a_date(p.text)) if wants_date else 0.0,
        })
    return out


def contenders(ranked: Sequence[Passage], band: float) -> list[Passage]:
    """The head of a ranked pool whose scores are within ``band`` of the best (all of them when ``band`` is 0): the
    candidates the cross-encoder's score (at most ``w_cross``, in practice about half of it) can still lift to the
    top.  Only the best one left means a clear winner: the stage is skipped."""
    if band <= 0 or not ranked:
        return list(ranked)
    floor = ranked[0].score - band
    return [p for p in ranked if p.score >= floor]


def cross_relevance(logits: Sequence[float], temperature: float, combine: str = "logistic") -> list[float]:
    """What the cross-encoder's logits add to the candidates it read (times ``w_cross``), each in 0..1.  "logistic":
    the logistic of logit / ``temperature``, each on its own.  "softmax": each one's share of the softmax of
    logit / ``temperature`` over the candidates read (they sum to 1), so a logit counts only against the others'."""
    scaled = [x / temperature for x in logits]
    if combine == "softmax":
        top = max(scaled, default=0.0)
        weights = [math.exp(x - top) for x in scaled]
        total = sum(weights) or 1.0
        return [w / total for w in weights]
    if combine != "logistic":
        raise ValueError(f"Unknown way to combine the cross-encoder's scores {combine!r}: use 'logistic' or 'softmax' (QA_RERANK_COMBINE).")
    return [1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x)))) for x in scaled]


def cross_texts(question: str, passages: Sequence[Passage], lexical, max_chars: int | None = None) -> list[str]:
    """What the cross-encoder reads of each passage: its title (unless it is the file name or already leads the
    window), then the window around its best sentence (qa.reranking.best_window)."""
    from qa.reranking import WINDOW_CHARS, best_window

    q_stems = set(stems(question))
    windows = [best_window(p.text, lexical.idf, q_stems, max_chars or WINDOW_CHARS) for p in passages]
    return [f"{p.title}\n{w}" if p.title and p.title != p.doc_id and not w.startswith(p.title) else w for p, w in zip(passages, windows)]


def _settings():
    from qa.settings import get_settings

    return get_settings()


def _adjacent(a: Passage, b: Passage) -> bool:
    """Same document, and the two chunks touch or overlap."""
    return a.doc_id == b.doc_id and a.start <= b.end and b.start <= a.end


def _join(into: Passage, other: Passage) -> None:
    """Merge ``other`` into ``into``: the union of their spans of the document (their texts overlap or touch)."""
    first, second = (into, other) if into.start <= other.start else (other, into)
    text = first.text + second.text[max(0, first.end - second.start):] if second.end > first.end else first.text
    if second.start > first.end:  # touching, not overlapping: keep the paragraph gap
        text = first.text + "\n\n" + second.text
    into.text, into.start, into.end = text, first.start, max(first.end, second.end)
    into.page, into.heading = first.page, first.heading
    second_start = [] if first.page is None or second.page is None or second.page == first.page else [(second.start, second.page)]
    into.page_starts = sorted({*first.page_starts, *second_start, *second.page_starts})
    into.code_spans = None if first.code_spans is None or second.code_spans is None else sorted({*first.code_spans, *second.code_spans})
    into.chunk_id = f"{first.chunk_id}+{second.chunk_id.rsplit('::', 1)[-1]}"

