"""Scoring functions for answers, retrieval and latency; all pure.

Answer scores follow the official SQuAD 2.0 script: text is normalised
(lower case, punctuation and the articles a/an/the removed, whitespace
collapsed), a question with no gold answers is scored against the empty
string, so a declined answer (scored as ``""``) is right exactly when the
question is unanswerable.

Retrieval scores take the system's ranking in the order it returned it.
Ranked items may be bare doc ids, ``(doc_id, text, ...)`` tuples, or objects
with ``doc_id`` and ``text`` attributes (such as ``qa.types.Passage``); when
an evidence string is given an item only counts when its text contains it.
"""

from __future__ import annotations

import collections
import math
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)
#: Evidence a passage must contain: one string, alternatives, or None for "doc id only".
Evidence = str | Sequence[str] | None

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, drop punctuation and articles, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    return normalize_answer(text).split()


def _golds(answers: Iterable[str]) -> list[str]:
    """Gold answers that survive normalisation, or ``[""]`` when there are none (SQuAD 2.0 rule)."""
    golds = [a for a in answers if normalize_answer(a)]
    return golds or [""]


def exact_match(prediction: str, answers: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals any normalised gold answer, else 0.0.

    With no gold answers the question is unanswerable and only an empty
    (declined) prediction scores 1.0.
    """
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(g) for g in _golds(answers)))


def _f1_one(pred_tokens: list[str], gold_tokens: list[str]) -> float:
    if not pred_tokens or not gold_tokens:
        return float(pred_tokens == gold_tokens)
    common = collections.Counter(pred_tokens) & collections.Counter(gold_tokens)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_tokens)
    recall = overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, answers: Iterable[str]) -> float:
    """Token-overlap F1 of the normalised prediction, maximised over the gold answers.

    With no gold answers: 1.0 for an empty prediction, else 0.0.
    """
    pred = _tokens(prediction)
    return max(_f1_one(pred, _tokens(g)) for g in _golds(answers))


def _loose(text: str) -> str:
    """Lenient form for substring tests: NFKC, straight quotes and dashes, single spaces, case-folded."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().split())


def contains_gold(answer_text: str, answers: Iterable[str]) -> bool:
    """True when any gold answer occurs in a longer answer text (after SQuAD normalisation).

    Suited to generated, sentence-long answers. False when there are no gold answers.
    """
    haystack = f" {normalize_answer(answer_text)} "
    return any(f" {g} " in haystack for g in (normalize_answer(a) for a in answers) if g)


def _doc_id_and_text(item: Any) -> tuple[str, str | None]:
    """``(doc_id, text)`` of a ranked item: a str, a tuple/list, a mapping or an object."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, (tuple, list)):
        return item[0], (item[1] if len(item) > 1 else None)
    if isinstance(item, Mapping):
        return item["doc_id"], item.get("text")
    return item.doc_id, getattr(item, "text", None)


def answer_in_top_k(ranked: Sequence[Any], answers: Iterable[str], k: int) -> bool:
    """Does any of the first ``k`` items' texts contain a gold answer (``contains_gold``)?  Labels aside: a
    passage that is not marked gold but holds the answer still lets a generator answer."""
    answers = list(answers)
    return any(contains_gold(text or "", answers) for _, text in (_doc_id_and_text(item) for item in ranked[:k]))


def is_hit(item: Any, gold_ids: Iterable[str], evidence: Evidence = None) -> bool:
    """True when the item's doc id is gold and, if evidence is given, its text contains it.

    ``evidence`` is one string or several alternatives (any one suffices);
    None or empty means the doc id alone decides. The substring test ignores
    case, quote style and whitespace differences.
    """
    doc_id, text = _doc_id_and_text(item)
    if doc_id not in set(gold_ids):
        return False
    if not evidence:
        return True
    if text is None:
        return False
    alternatives = [evidence] if isinstance(evidence, str) else list(evidence)
    body = _loose(text)
    return any(_loose(e) in body for e in alternatives)


def first_hit_rank(ranked: Sequence[Any], gold_ids: Iterable[str], evidence: Evidence = None) -> int | None:
    """1-based rank of the first hit, or None when nothing in the ranking is a hit.

    Items are taken in the order given: ties in score are broken by that order.
    """
    gold = set(gold_ids)
    for rank, item in enumerate(ranked, start=1):
        if is_hit(item, gold, evidence):
            return rank
    return None


def _check(gold_ids: Iterable[str], k: int) -> set[str]:
    gold = set(gold_ids)
    if not gold:
        raise ValueError("retrieval metrics are undefined without gold ids (skip unanswerable questions)")
    if k < 1:
        raise ValueError("k must be at least 1")
    return gold


def recall_at_k(ranked: Sequence[Any], gold_ids: Iterable[str], k: int, evidence: Evidence = None) -> float:
    """Hit rate at k: 1.0 if any of the first ``k`` items is a hit, else 0.0.

    This is the SQuAD/RGB convention ("is a gold document among the top k"),
    not the fraction of gold documents found (see :func:`gold_coverage_at_k`).
    Raises ValueError when there are no gold ids.
    """
    gold = _check(gold_ids, k)
    rank = first_hit_rank(ranked[:k], gold, evidence)
    return float(rank is not None)


def gold_coverage_at_k(ranked: Sequence[Any], gold_ids: Iterable[str], k: int) -> float:
    """Fraction of the distinct gold doc ids that appear among the first ``k`` items."""
    gold = _check(gold_ids, k)
    found = {_doc_id_and_text(item)[0] for item in ranked[:k]} & gold
    return len(found) / len(gold)


def mrr_at_k(ranked: Sequence[Any], gold_ids: Iterable[str], k: int, evidence: Evidence = None) -> float:
    """Reciprocal rank of the first hit within the first ``k`` items (0.0 if none).

    Raises ValueError when there are no gold ids.
    """
    gold = _check(gold_ids, k)
    rank = first_hit_rank(ranked[:k], gold, evidence)
    return 0.0 if rank is None else 1.0 / rank


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation (numpy's default); NaN when empty."""
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    data = sorted(values)
    if not data:
        return math.nan
    position = (len(data) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


def latency_summary(seconds: Iterable[float]) -> dict[str, float | int]:
    """``{"p50_ms", "p95_ms", "mean_ms", "n"}`` from latencies in seconds (NaN when empty)."""
    data = list(seconds)
    mean = sum(data) / len(data) if data else math.nan
    return {
        "p50_ms": percentile(data, 50) * 1000,
        "p95_ms": percentile(data, 95) * 1000,
        "mean_ms": mean * 1000,
        "n": len(data),
    }


def retrieval_scores(
    runs: Iterable[tuple[Sequence[Any], Iterable[str], Evidence]],
    ks: Sequence[int] = (1, 5, 10),
    mrr_k: int = 10,
) -> dict[str, float | int]:
    """Mean ``recall@k`` for each k and ``MRR@mrr_k`` over ``(ranking, gold_ids, evidence)`` runs.

    Runs without gold ids (unanswerable questions) are skipped; ``n`` counts the rest.
    """
    totals = {f"recall@{k}": 0.0 for k in ks}
    totals[f"mrr@{mrr_k}"] = 0.0
    n = 0
    for ranked, gold_ids, evidence in runs:
        gold = set(gold_ids)
        if not gold:
            continue
        n += 1
        for k in ks:
            totals[f"recall@{k}"] += recall_at_k(ranked, gold, k, evidence)
        totals[f"mrr@{mrr_k}"] += mrr_at_k(ranked, gold, mrr_k, evidence)
    scores: dict[str, float | int] = {name: (total / n if n else math.nan) for name, total in totals.items()}
    scores["n"] = n
    return scores


def _cell(value: Any, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(
    results: Mapping[str, Mapping[str, Any]], metrics: Sequence[str] | None = None, digits: int = 3
) -> str:
    """A plain-text table: one row per system, one column per metric.

    ``metrics`` picks and orders the columns (default: every metric seen, in
    first-seen order); a metric a system lacks shows as ``-``.
    """
    if metrics is None:
        metrics = list(dict.fromkeys(m for row in results.values() for m in row))
    header = ["system", *metrics]
    rows = [[system, *(_cell(scores.get(m), digits) for m in metrics)] for system, scores in results.items()]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:]))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def print_table(results: Mapping[str, Mapping[str, Any]], metrics: Sequence[str] | None = None, digits: int = 3) -> None:
    """Print :func:`format_table`."""
    print(format_table(results, metrics, digits))
