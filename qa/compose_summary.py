"""A summary of one document that covers it: a point from each of its sections (or, in a document without
sections, from each part of it), in document order, each cited; a point that leads in to a list or a command
brings its first items or the command along.

Used for a summary of a named document ('Summarize the gittutorial manual page') and for a topic that is one
document ('Summarize how git bisect works' -> git-bisect.html).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.compose_structured import announced, announces, cite, fenced, is_fragment, leads_in, looks_like_code, looks_like_term, units_after
from qa.lexical import stems
from qa.types import Passage

#: Sections of a manual page that summarise nothing (the command line, links, credits).
SKIPPED_SECTIONS = re.compile(r"^(synopsis|see also|git|author|authors|documentation|reporting bugs|copyright|notes|bugs|configuration)$", re.I)
NESTED_ITEMS = 4
_FIGURE = re.compile(r"\d[\d,.]*\s*(%|percent|million|billion|trillion|thousand|people|deaths|tons)|\d{1,3}(,\d{3})+")  # an amount: news summaries keep their figures  # items of a list a point leads in to, shown under it


def _is_code(text: str) -> bool:
    """A 'sentence' cut from a command or a program's output ('$ git worktree list\n/path/...'), or a subheading
    ('Invoked by remote shell daemon'): no point of a summary."""
    return "\n" in text.strip() or looks_like_code(text) or text.lstrip()[:1] in "$#]|<>[{" or looks_like_term(text)  # a subheading either


def _dot(a, b) -> float:
    return float(sum(x * y for x, y in zip(a, b)))


def _similar(a: str, b: str) -> float:
    sa, sb = set(stems(a)), set(stems(b))
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


def section_of(p: Passage) -> str:
    """The section a passage is in: the last part of its heading path ('' when the document has none)."""
    return p.heading.rsplit(" › ", 1)[-1].strip() if p.heading else ""


def summary_target(centroid: Sequence[float], focus: Sequence[float] | None, weight: float = 2.0) -> list[float]:
    """What the points should be close to: the document's centroid, pulled towards the topic asked about (``focus``,
    weighted ``weight`` times) when the question narrows the document ('the FAQ's advice about credentials')."""
    if focus is None:
        return list(centroid)
    mixed = [c + weight * f for c, f in zip(centroid, focus)]
    norm = sum(x * x for x in mixed) ** 0.5 or 1.0
    return [x / norm for x in mixed]


def groups(sentences: Sequence, passages: Sequence[Passage], parts: int) -> list[list]:
    """The document's sentences in order, grouped by section when it has at least three (sections that summarise
    nothing left out), else cut into ``parts`` runs of equal length."""
    ordered = sorted(sentences, key=lambda s: (passages[s.passage - 1].start, s.start))
    by_section: dict[str, list] = {}
    for s in ordered:
        by_section.setdefault(section_of(passages[s.passage - 1]), []).append(s)
    kept = {k: v for k, v in by_section.items() if not SKIPPED_SECTIONS.match(k)}
    if len(kept) >= 3:
        return list(kept.values())
    size = max(1, -(-len(ordered) // parts))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def compose_document_summary(ranked: Sequence, passages: Sequence[Passage], target: Sequence[float] | None, points: int = 6) -> str:
    """Up to ``points`` cited points that cover one document: the sentence of each section (or part) closest to
    ``target`` (the document's centroid, or the topic asked about; None: the sentences' own scores, for a summary
    of one document narrowed to a focus), the first sentences of a section a little
    favoured, the best sections kept, shown in document order."""
    seen: set[tuple[str, int]] = set()
    sentences = []
    for s in ranked:  # one sentence held by two overlapping passages counts once
        key = (passages[s.passage - 1].doc_id, s.start)
        if key not in seen and s.vector is not None and not s.text.rstrip().endswith("?") and not _is_code(s.text):
            seen.add(key)
            sentences.append(s)
    items = set()
    for s in sentences:  # the items of a list belong to the sentence announcing it: that sentence stands for them
        if leads_in(s.text):
            items |= {(passages[u.passage - 1].doc_id, u.start) for u in announced(s, passages)}
    sentences = [s for s in sentences if (passages[s.passage - 1].doc_id, s.start) not in items]
    if target is None:  # narrowed to a focus: the sentences that answer it best, wherever they are
        sentences.sort(key=lambda s: -s.score)
        parts = [[s] for s in sentences if sentences and s.score >= sentences[0].score - 0.25]
    else:
        parts = groups(sentences, passages, points)
    if len(parts) > points:  # many sections: one more point
        points += 1
    candidates = []
    for group in parts:
        def value(s, group=group):
            position = group.index(s)
            closeness = _dot(s.vector, target) if target is not None else s.score  # no target: how well it answers the focus asked
            return closeness + (0.06 if position == 0 else 0.03 if position == 1 else 0.0) + (0.03 if _FIGURE.search(s.text) else 0.0)
        best = max((s for s in group if len(s.text) >= 25), key=value, default=None)
        if best is not None:
            candidates.append((value(best), best))
    chosen: list = []
    for _, s in sorted(candidates, key=lambda c: -c[0]):
        if len(chosen) < points and all(_similar(s.text, c.text) < 0.6 for c in chosen):
            chosen.append(s)
    lines = []
    for s in sorted(chosen, key=lambda s: (passages[s.passage - 1].start, s.start)):
        lines.append("- " + cite(s.text, s.passage))
        lines += what_it_leads_to(s, passages)
    return "\n".join(lines)


def what_it_leads_to(s, passages: Sequence[Passage]) -> list[str]:
    """The first items of the list (or the command) a point announces ('the following are disallowed:'), indented
    under it; [] for a point that announces nothing."""
    if not leads_in(s.text):
        return []
    units = units_after(passages, s.passage, s.end, limit=NESTED_ITEMS + 2, lead=s.text)
    if any(u.block == 0 for u in units):  # the point's paragraph goes on: it announced nothing after it
        return []
    if units and units[0].kind == "code" and units[0].text.count("\n") < 6:
        return [fenced(units[0].text, units[0].passage)]
    if not announces(s.text):  # a sentence merely cut short ('... on Nov. 16') announces no list
        return []
    items = []
    for u in units:
        if u.kind != "sentence" or len(items) >= NESTED_ITEMS:
            break
        if not is_fragment(u, units):
            items.append("  - " + cite(u.text, u.passage))
    return items if len(items) >= 2 else []
