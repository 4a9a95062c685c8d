"""Lists from a document's own structure: the items after a lead-in sentence ('the following are disallowed:'),
the entries of a definition list ('`until`: Execute ...'), each whole and cited (qa.compose_structured reads the
blocks)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.compose_structured import (Unit, announced, announced_count, announces, cite, paragraph_lead_in, definitions, fenced, is_command, is_fragment, label, leads_in,
                                   units_after, units_after_sentence)
from qa.compose_people import asks_for_speakers, quoted_people
from qa.types import Passage

MAX_ITEMS = 16
#: 'the actions China has taken', 'which countries did Trump put tariffs on': what was done, not what should be
_ASKS_DONE = re.compile(r"\b(has|have|had)\s+(\w+\s+)?(taken|done|made|introduced|announced|adopted|implemented|imposed|put|placed|passed)\b"
                        r"|\b(did|took)\b", re.I)
_EXHORTS = re.compile(r"\b(calls? on|called on|urges?|urged|must|should|ought to|needs? to|unless)\b", re.I)
MIN_DEFINITION_SCORE = 0.45  # the best entry of a definition list must answer this well (as a look-up's sentence must)


def asks_what_was_done(question: str) -> bool:
    """Does a list question ask what was done ('List the actions China has taken ...') rather than what should be?"""
    return bool(_ASKS_DONE.search(question)) and not _EXHORTS.search(question) and not re.search(r"\b(recommend|advise|propose|suggest)", question, re.I)


def done_not_urged(question: str, ranked: Sequence) -> list:
    """The sentences that may be items of a list of what was done: a call for action ('The U.S. calls on China to take
    decisive steps', 'unless China takes solid steps') is none; all of them when the question asks for something else."""
    if not asks_what_was_done(question):
        return list(ranked)
    return [s for s in ranked if not _EXHORTS.search(s.text)] or list(ranked)


def top_level(entries: list) -> list:
    """A definition list's own entries without the options nested under them: when the first entry's term is a word
    ('dirs', 'pushd') and others are options ('-c', '+N'), the options belong to the entry above them."""
    if entries and not entries[0][0][0].text.startswith(("-", "+")):
        return [(t, d) for t, d in entries if not t[0].text.startswith(("-", "+"))]
    return entries


def definition_line(terms: Sequence[Unit], description: Unit | None) -> str:
    names = label([t.text for t in terms])
    if description is None:
        return "- " + cite(names, terms[0].passage)
    return "- " + names + ": " + cite(description.text, description.passage)


def lead_in_items(s, passages: Sequence[Passage], max_items: int = MAX_ITEMS) -> list[str]:
    """The items a lead-in sentence announces, as cited bullets: a definition list's entries when one starts right
    after it ('until', 'while', 'for'; a note may come first), else the blocks of the list it announces (see
    announced)."""
    units = units_after_sentence(s, passages)
    heading = next((i for i, u in enumerate(units) if u.kind == "heading"), len(units))
    units = units[:heading]  # the list ends with its section ('OPTIONS' starts another)
    if not units or units[0].kind == "code":  # 'using ours merge strategy:' + a command: an example, not a list
        return []
    first_blocks = sorted({u.block for u in units})[:2]
    if any(u.kind == "term" for u in units if u.block in first_blocks):
        entries = top_level([(t, d) for t, d in definitions(units) if d])
        if len(entries) >= 2:
            return [definition_line(t, d) for t, d in entries][:max_items]
    items: list[str] = []
    listed = announced(s, passages)
    for u in listed:
        if len(items) >= max_items:
            break
        if u.kind == "code":
            if items and items[-1].startswith("```"):
                break
            items.append(fenced(u.text, u.passage))
        elif len(u.text) >= 12 and not is_fragment(u, listed):
            items.append("- " + cite(u.text, u.passage))
    return items


def extra_items(items: list[str], ranked: Sequence, passages: Sequence[Passage], floor: float, most: int = 4) -> list[str]:
    """Good answering sentences not among the items yet, as cited bullets (a list cut short by the end of what
    was read is completed by what else its document says; the caller passes that document's sentences)."""
    have = " ".join(items)
    out: list[str] = []
    for s in ranked:
        if s.score < floor or len(out) >= most:
            break
        if s.text[:60] not in have and not leads_in(s.text):
            out.append("- " + cite(s.text, s.passage))
            have += " " + s.text
    return out


def definition_items(question: str, ranked: Sequence, passages: Sequence[Passage], floor: float, max_items: int = 10) -> list[str]:
    """The definition list whose entry answers best: its entries in the same section of the same document whose
    descriptions answer nearly as well, in document order (an option nested under an entry is left out unless
    options are asked about: 'This option forces ...')."""
    by_start: dict = {}
    for s in ranked:
        key = (passages[s.passage - 1].doc_id, s.start)
        if key not in by_start or by_start[key].score < s.score:
            by_start[key] = s
    seen: set[tuple[str, int]] = set()
    found = []
    for n, p in enumerate(passages, start=1):
        for terms, d in definitions(units_after(passages, n, p.start, limit=200, mid_paragraph=False)):
            if d is None or (p.doc_id, d.start) in seen:
                continue
            seen.add((p.doc_id, d.start))
            s = by_start.get((p.doc_id, d.start))
            if s is not None:
                found.append((s.score, p.doc_id, passages[d.passage - 1].heading, d.start, terms, d))
    if not found:
        return []
    best = max(found, key=lambda f: f[0])
    if best[0] < max(floor, MIN_DEFINITION_SCORE):  # no entry answers: a definition list elsewhere is no answer
        return []
    options_asked = re.search(r"\b(options?|flags?|switch(es)?)\b", question, re.I)
    kept = [f for f in found if f[1] == best[1] and f[2] == best[2] and f[0] >= best[0] - 0.25
            and (options_asked or f is best or not re.search(r"\boption\b|^deprecated", f[5].text, re.I))]
    return [definition_line(f[4], f[5]) for f in sorted(kept, key=lambda f: f[3])][:max_items]


def structured_list(question: str, ranked: Sequence, passages: Sequence[Passage], floor: float) -> str:
    """A list from the documents' structure, or '' when they give none: the items after a lead-in sentence among
    the best ('the following are disallowed:'), or the entries of a definition list whose descriptions answer."""
    if asks_for_speakers(question):  # 'Which experts are quoted ...?': the people whose words are given
        people = quoted_people(ranked, passages)
        if people:
            return "\n".join(people)
    best = ranked[0].score
    for s in ranked[:12]:  # the best few that lead in, or a little further one that says 'the following ...:' outright
        if s.score < best - 0.2 or s.score < floor:
            break
        if is_command(s.text):  # 'git grep --all-match -e NODE' ends without a stop but leads into nothing
            continue
        if not ((leads_in(s.text) and s.score >= best - 0.12) or announces(s.text)):
            s = paragraph_lead_in(s, passages)  # 'This form resets ... The <mode> must be one of the following:'
            if s is None:
                continue
        items = lead_in_items(s, passages)
        if len([i for i in items if i.startswith("- ")]) >= 2:
            if len(items) < 4 and not announced_count(s.text):  # a short list may run past what was read
                same = [r for r in ranked if passages[r.passage - 1].doc_id == passages[s.passage - 1].doc_id]
                items += extra_items(items, same, passages, best - 0.2)
            return "\n".join([cite(s.text, s.passage)] + items)
    entries = definition_items(question, ranked, passages, max(floor, best - 0.2))
    return "\n".join(entries) if len(entries) >= 3 else ""
