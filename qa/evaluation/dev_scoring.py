"""Scoring one answer of the development set, and a run by kind; pure functions over plain values.

An answerable question is answered acceptably when the answer is not declined, holds at least ``min_points`` of
its key-point groups (an alternative of a group, case-insensitive, anywhere in the answer text without its
``[n]`` markers), holds every derived point, does not open with the opposite of its yes/no verdict, and cites
documents the question allows: ``acceptable`` asks that every citation be in an allowed document (and at least
one citation), ``acceptable_some_allowed`` only that at least one be. An unanswerable question is right when
declined.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from qa.evaluation.metrics import latency_summary

_MARKER = re.compile(r"\s*\[\d+\]")
_TRANSLATE = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                            "\u00a0": " ", "\u2011": "-", "\u2212": "-"})
_OPENING_WORD = re.compile(r"[\W_]*(\w+)")


def normalise(text: str) -> str:
    """Lower case, straight quotes and hyphens, citation markers dropped, whitespace collapsed."""
    return " ".join(_MARKER.sub("", text.translate(_TRANSLATE)).lower().split())


def holds(text: str, alternative: str) -> bool:
    """Does the (normalised) text hold the alternative, starting at a word boundary, and ending at one when it ends
    in a figure?  So "ort" is not found in "support", nor "13" in "2013" or "130"; "precursor" is in "precursors"."""
    alt = normalise(alternative)
    start = r"(?<!\w)" if alt[:1].isalnum() or alt[:1] == "_" else ""
    end = r"(?![\d,.]\d|\d)" if alt[-1:].isdigit() else ""
    return re.search(start + re.escape(alt) + end, normalise(text)) is not None


def groups_present(text: str, groups: Iterable[Sequence[str]]) -> list[bool]:
    """For each group of alternatives: does the text hold one of them (see :func:`holds`)?"""
    held = normalise(text)
    return [any(holds(held, alt) for alt in group) for group in groups]


_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


def claims(text: str) -> list[str]:
    """The claims of an answer, each with its markers: every line (a list item without its bullet or number) split
    into sentences, so the items of a list or the points of a summary are checked one by one."""
    from qa.evaluation.run_answers import answer_sentences

    out: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if line:
            out.extend(answer_sentences(line))
    return out


def citation_support(text: str, passages: dict[int, str]) -> tuple[int, int]:
    """(citations whose passage supports their claim, citations checked) for an answer text whose ``[n]`` markers
    point at ``passages[n]``; support is the independent check of ``qa eval answers`` (``run_answers.supports``)."""
    from qa.evaluation.run_answers import MARKERS, content_words, supports

    good = total = 0
    for claim in claims(text):
        if not content_words(MARKERS.sub("", claim)):
            continue
        cited = [passages[int(n)] for n in re.findall(r"\[(\d+)\]", claim) if int(n) in passages]
        arithmetic = sum_line_support(claim, cited)
        ok = arithmetic if arithmetic is not None else [supports(claim, passage) for passage in cited]
        good, total = good + sum(ok), total + len(ok)
    return good, total


_SUM_CLAIM = re.compile(r"^\s*(?:In all|The difference|Together|In total):\s+([\d,.]*\d)\s*([+-])\s*([\d,.]*\d)\s*=\s*([\d,.]*\d)")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _states(passage: str, figure: str) -> bool:
    """Does the passage state the figure (as written, or without its thousands commas)?"""
    digits = figure.replace(",", "")
    return any(re.search(rf"(?<![\d,.]){re.escape(f)}(?![\d]|[,.]\d)", passage) for f in {figure, digits})


def sum_line_support(claim: str, cited: Sequence[str]) -> list[bool] | None:
    """For an arithmetic line ("In all: 4 + 13 = 17 [1][2]."): each cited passage supports it when the arithmetic is
    right, every operand is stated by some cited passage, and the passage states one of them (the result is derived,
    never quoted).  None for any other claim."""
    m = _SUM_CLAIM.match(claim)
    if not m:
        return None
    a, op, b, result = m.groups()
    right = abs((_number(a) + _number(b) if op == "+" else _number(a) - _number(b)) - _number(result)) < 1e-9
    grounded = all(any(_states(p, x) for p in cited) for x in (a, b))
    return [right and grounded and (_states(p, a) or _states(p, b)) for p in cited]


def verdict_respected(text: str, verdict: str | None) -> bool:
    """False only when the answer opens with the opposite word of a yes/no verdict ("No, ..." for a yes)."""
    if verdict is None:
        return True
    match = _OPENING_WORD.match(normalise(text))
    opening = match.group(1) if match else ""
    return opening != {"yes": "no", "no": "yes"}[verdict]


@dataclass
class QuestionResult:
    """How one answer scored; what is needed to read a failure (the answer text, what was missing)."""

    qid: str
    corpus: str
    kind: str
    answerable: bool
    question: str
    answer: str = ""
    declined: bool = False
    points_found: int = 0  # key-point groups present in the answer
    points_needed: int = 0  # min_points
    missing_points: list[list[str]] = field(default_factory=list)  # key-point groups absent (first alternative shown first)
    derived_missing: list[list[str]] = field(default_factory=list)  # derived groups absent
    verdict_ok: bool = True
    cited_docs: list[str] = field(default_factory=list)  # doc id of each citation, in order
    cited_passages: dict[int, str] = field(default_factory=dict)  # marker number -> the cited passage's text
    some_allowed: bool = False  # at least one citation is to an allowed document
    all_allowed: bool = False  # at least one citation, and every one is to an allowed document
    acceptable: bool = False  # answered acceptably, every citation allowed (False for unanswerable questions)
    acceptable_some_allowed: bool = False  # answered acceptably with at least one allowed citation
    right: bool = False  # answerable: acceptable; unanswerable: declined
    citations_supported: int = 0  # citations whose passage holds their sentence (independent check)
    citations_checked: int = 0
    answer_kind: str | None = None  # the kind the system decided, when its Answer exposes one
    latency_s: float = math.nan  # question to final answer
    first_answer_s: float = math.nan  # question to the first Answer object yielded (streaming)
    error: str = ""  # an exception raised while answering (the question then counts as failed)

    def as_dict(self) -> dict:
        return asdict(self)


def judge(q, text: str, declined: bool, cited_docs: Sequence[str]) -> QuestionResult:
    """Score one answer (its text, whether it declined, the doc id of each citation) against its question."""
    result = QuestionResult(q.qid, q.corpus, q.kind, q.answerable, q.question, answer=text, declined=declined,
                            points_needed=q.min_points, cited_docs=list(cited_docs))
    allowed = set(q.allowed_docs)
    result.some_allowed = any(d in allowed for d in cited_docs)
    result.all_allowed = bool(cited_docs) and all(d in allowed for d in cited_docs)
    if not q.answerable:
        result.right = declined
        return result
    if declined:
        result.missing_points = [list(g) for g in q.key_points]
        result.derived_missing = [list(g) for g in q.derived_points]
        return result
    present = groups_present(text, q.key_points)
    result.points_found = sum(present)
    result.missing_points = [list(g) for g, ok in zip(q.key_points, present) if not ok]
    result.derived_missing = [list(g) for g, ok in zip(q.derived_points, groups_present(text, q.derived_points)) if not ok]
    result.verdict_ok = verdict_respected(text, q.verdict)
    content_ok = result.points_found >= q.min_points and not result.derived_missing and result.verdict_ok
    result.acceptable_some_allowed = content_ok and result.some_allowed
    result.acceptable = content_ok and result.all_allowed
    result.right = result.acceptable
    return result


def _share(hits: int, total: int) -> float:
    return hits / total if total else math.nan


def summarise(results: Sequence[QuestionResult]) -> dict:
    """The figures of a group of results: shares over the answerable / unanswerable questions, citation precision,
    latency percentiles (ms) to the final answer and to the first Answer yielded."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    supported = sum(r.citations_supported for r in results)
    checked = sum(r.citations_checked for r in results)
    latency = latency_summary([r.latency_s for r in results if not math.isnan(r.latency_s)])
    first = latency_summary([r.first_answer_s for r in results if not math.isnan(r.first_answer_s)])
    return {
        "n": len(results), "n_answerable": len(answerable), "n_unanswerable": len(unanswerable),
        "right": _share(sum(r.right for r in results), len(results)),
        "acceptable": _share(sum(r.acceptable for r in answerable), len(answerable)),
        "acceptable_some_allowed": _share(sum(r.acceptable_some_allowed for r in answerable), len(answerable)),
        "declined_unanswerable": _share(sum(r.declined for r in unanswerable), len(unanswerable)),
        "wrongly_declined": _share(sum(r.declined for r in answerable), len(answerable)),
        "citation_precision": _share(supported, checked),
        "p50_ms": latency["p50_ms"], "p95_ms": latency["p95_ms"],
        "first_p50_ms": first["p50_ms"], "first_p95_ms": first["p95_ms"],
        "errors": sum(bool(r.error) for r in results),
    }


def summarise_by(results: Sequence[QuestionResult], attribute: str = "kind") -> dict[str, dict]:
    """:func:`summarise` per value of ``attribute`` (kind or corpus), in first-seen order, then ``overall``."""
    groups: dict[str, list[QuestionResult]] = {}
    for r in results:
        groups.setdefault(getattr(r, attribute), []).append(r)
    out = {name: summarise(group) for name, group in groups.items()}
    out["overall"] = summarise(results)
    return out
