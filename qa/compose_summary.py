"""A summary of one document that covers it: a point from each of its sections (or, in a document without
sections, from each part of it), in document order, each cited; a point that leads in to a list or a command
brings its first items or the command along.

Used for a summary of a named document ('Summarize the gittutorial manual page') and for a topic that is one
document ('Summarize how git bisect works' -> git-bisect.html).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.compose_structured import (announced, announces, cite, fenced, is_fragment, label, leads_in, looks_like_code, looks_like_term, units_after)
from qa.lexical import stems
from qa.summary_points import block_of, document_blocks, in_words, part_keys, point_worth, repeats
from qa.types import Passage

#: Sections of a manual page that summarise nothing (the command line, links, credits).
SKIPPED_SECTIONS = re.compile(r"^(synopsis|see also|git|author|authors|documentation|reporting bugs|copyright|notes|bugs|configuration)$", re.I)
_NUMBERED = re.compile(r"^\d+(\.\d+)*\.?\s")  # '6.11 Bash POSIX Mode': a numbered section's title, no term
_MARKER = re.compile(r"\(?(\d{1,3}|[a-z])[.)]?")
NESTED_ITEMS = 4  # items of a list a point leads in to, shown under it


def _is_code(text: str, whole: bool = False) -> bool:
    """A 'sentence' cut from a command or a program's output ('$ git worktree list\n/path/...'), or a subheading
    ('Invoked by remote shell daemon'): no point of a summary.  ``whole``: the document's blocks tell headings and terms
    apart (qa.summary_points), so a short lead-in ('To explicitly declare an indexed array, use') is kept."""
    return "\n" in text.strip() or looks_like_code(text) or text.lstrip()[:1] in "$#]|<>[{" or (not whole and looks_like_term(text))


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


def groups(sentences: Sequence, passages: Sequence[Passage], parts: int, leads: frozenset = frozenset()) -> list[list[list]]:
    """The document's sentences in order, as its parts, each a list of sub-parts (lists of sentences): its sections
    when it has at least three (sections that summarise nothing left out), their definition entries and paragraphs
    as sub-parts; else the parts the short lines heading them mark ('Invoked non-interactively' in a printed manual);
    else its paragraphs; else ``parts`` runs of equal length.  A sentence showing the list it leads into (``leads``,
    by id) stands for that list's blocks: a sub-part (a paragraph) of its own."""
    ordered = sorted(sentences, key=lambda s: (passages[s.passage - 1].start, s.start))
    blocks = document_blocks(passages)
    keys = dict(zip(map(id, ordered), part_keys([s.start for s in ordered], blocks))) if blocks else {}
    sub_part = {id(s): -2 - s.start if id(s) in leads else keys.get(id(s), (-1, i))[1] for i, s in enumerate(ordered)}
    by_section: dict[str, list] = {}
    for s in ordered:
        by_section.setdefault(section_of(passages[s.passage - 1]), []).append(s)
    kept = [v for k, v in by_section.items() if not SKIPPED_SECTIONS.match(k)]
    if len(kept) < 3:  # no sections: the parts under the document's own short headings, else its paragraphs
        under: dict[int, list] = {}
        for s in ordered:
            under.setdefault(keys.get(id(s), (-1, 0))[0], []).append(s)
        kept = list(under.values())
        if len(kept) < 3:
            paragraphs: dict[int, list] = {}
            for s in ordered:
                paragraphs.setdefault(sub_part[id(s)], []).append(s)
            kept = list(paragraphs.values())
    if len(kept) < 3:
        size = max(1, -(-len(ordered) // parts))
        return [[ordered[i : i + size]] for i in range(0, len(ordered), size)]
    out = []
    for section in kept:
        subs: dict[int, list] = {}
        for s in section:
            subs.setdefault(sub_part[id(s)], []).append(s)
        out.append(list(subs.values()))
    return out


ASKED = 0.5  # weight of a sentence's closeness to what the question asks (its description of the document, the topic)
LEAD = 0.08  # value a point gains for its part coming first in the document (less for later parts)
SECTION_OPENING = 0.03  # more for the first sentence of a section (a manual's DESCRIPTION opens with what the command does)
SECTION_TAKEN = 0.12  # a point's value lost for each point its section already gives: every part is heard first
HOLLOW = -0.09  # a sentence whose content is worth this little makes no point ('This section describes how Bash executes its startup files.')


def compose_document_summary(ranked: Sequence, passages: Sequence[Passage], target: Sequence[float] | None, points: int = 6,
                             topic: str = "") -> str:
    """Up to ``points`` cited points that cover one document: from each part (section, sub-heading, paragraph) the
    sentence of each of its entries or paragraphs worth most (closest to ``target``, the document's centroid or the
    topic asked about, or, when None, the sentences' own scores for a summary narrowed to a focus; an opening
    sentence a little favoured; specifics favoured, restatements of the subject and sentences about the document
    not, qa.summary_points), every part heard before any gives a second point; shown in document order, a
    definition entry's point under its term ('`pop`: Remove a single stashed state ...')."""
    blocks = document_blocks(passages) if len({p.doc_id for p in passages}) == 1 else []
    seen: set[tuple[str, int]] = set()
    sentences = []
    for s in ranked:  # one sentence held by two overlapping passages counts once
        key = (passages[s.passage - 1].doc_id, s.start)
        if key not in seen and s.vector is not None and not s.text.rstrip().endswith("?") and not _is_code(s.text, whole=bool(blocks)):
            seen.add(key)
            sentences.append(s)
    if blocks:  # a heading or a definition's term is no point, and announces no list
        sentences = [s for s in sentences if blocks[block_of(s.start, blocks)].kind == "paragraph"]
    items, leads = set(), set()
    for s in sentences:  # the items of a list belong to the sentence announcing it: that sentence stands for them
        if what_it_leads_to(s, passages):  # shown under it: 'is created using' brings its command, '... the following:' its list
            leads.add(id(s))
            units = announced(s, passages)
            if not announces(s.text) or units and units[0].kind == "code":
                units = units[:1]
            items |= {(passages[u.passage - 1].doc_id, u.start) for u in units}
    sentences = [s for s in sentences if (passages[s.passage - 1].doc_id, s.start) not in items]
    known = set(stems(" ".join([topic] + list({p.title for p in passages}) + list({section_of(p) for p in passages}))))
    if target is None:  # narrowed to a focus: the sentences that answer it best, wherever they are
        sentences.sort(key=lambda s: -s.score)
        parts = [[[s]] for s in sentences if sentences and s.score >= sentences[0].score - 0.25]
    else:
        parts = groups(sentences, passages, points, frozenset(leads))
    if len(parts) > points:  # many sections: one more point
        points += 1
    def shown_after(s) -> str:  # the command or the items a point leads into are shown with it: their specifics count
        return "".join(" " + line for line in what_it_leads_to(s, passages)) if leads_in(s.text) else ""

    candidates = []
    for number, section in enumerate(parts):
        for at, group in enumerate(section):
            def value(s, group=group, at=at):
                position = group.index(s)
                if target is None:  # no target: how well it answers the focus asked
                    closeness = s.score
                else:  # central to the document, and to what the question calls it ('the article about Biden's meeting with Xi')
                    closeness = (1 - ASKED) * _dot(s.vector, target) + ASKED * s.dense
                opening = (0.06 if position == 0 else 0.03 if position == 1 else 0.0) + (SECTION_OPENING if at == 0 and position == 0 else 0.0)
                lead = LEAD * (1 - number / len(parts))  # a document's first parts say what it is about (a news story's lead, a manual's description)
                return closeness + opening + lead + point_worth(s.text + shown_after(s), known)
            best = max((s for s in group if len(s.text) >= 25), key=value, default=None)
            if best is not None:
                candidates.append((value(best), number, best))
    chosen: list = []
    taken: dict[int, int] = {}
    hollow = {id(s) for _, _, s in candidates if point_worth(s.text, known) <= HOLLOW}
    if len(candidates) - len(hollow) < 3:
        hollow = set()
    while len(chosen) < points:
        pool = [(v - SECTION_TAKEN * taken.get(n, 0), n, s) for v, n, s in candidates
                if id(s) not in hollow and all(s is not c for c in chosen) and not any(repeats(s.text, c.text) for c in chosen)]
        if not pool:
            break
        _, n, s = max(pool, key=lambda c: c[0])
        chosen.append(s)
        taken[n] = taken.get(n, 0) + 1
    lines = []
    for s in sorted(chosen, key=lambda s: (passages[s.passage - 1].start, s.start)):
        lines.append("- " + point_label(s, passages) + cite(s.text, s.passage))
        lines += what_it_leads_to(s, passages)
    return "\n".join(lines)


def point_label(s, passages: Sequence[Passage]) -> str:
    """'`pop`: ' before the first sentence of a definition entry whose term is a command, an option or a name in code
    ('pop [--index] [-q|--quiet] [<stash>]', '--login', 'pre-commit'), unless the sentence names it; '' otherwise."""
    blocks = document_blocks([p for p in passages if p.doc_id == passages[s.passage - 1].doc_id])
    at = block_of(s.start, blocks) if blocks else 0
    if not blocks or blocks[at].start != s.start:
        return ""
    terms = []
    while at > 0 and blocks[at - 1].kind == "term" and len(terms) < 3:
        at -= 1
        terms.insert(0, blocks[at].text)
    if not terms and at > 0 and blocks[at - 1].kind == "heading" and not in_words(blocks[at - 1].text) and not _NUMBERED.match(blocks[at - 1].text):
        terms = [blocks[at - 1].text]  # a section named by a command or a name in code (githooks' 'pre-commit')
    names = [short_term(t) for t in terms]
    names = [n for n in names if n and (n[:1] in "-$." or n[:1].islower() or not n.isalpha())]
    if not names or any(n.lower() in s.text.lower() for n in names):
        return ""
    return label(names[:2]) + ": "


def short_term(term: str) -> str:
    """A term without its synopsis: 'pop [--index] [-q|--quiet] [<stash>]' -> 'pop', '--login' -> '--login',
    'branch <branchname> [<stash>]' -> 'branch'; '' for a term in words ('Invoked non-interactively')."""
    words = term.split()
    if not words or (words[0][:1].isupper() and len(words) > 1 and all(w.isalpha() for w in words)):
        return ""
    if words[0].startswith("-"):
        return re.split(r"[=\[<]", words[0])[0]
    kept = []
    for w in words:
        if w[:1] in "[<-|{(" or "=" in w or "|" in w:
            break
        kept.append(w)
    return " ".join(kept)


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
        if not is_fragment(u, units) and not _MARKER.fullmatch(u.text.strip()):  # a numbered list's '1.' printed apart from its item
            items.append("  - " + cite(u.text, u.passage))
    return items if len(items) >= 2 else []
