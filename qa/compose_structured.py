"""Lists and how-tos from a document's own structure: what follows a lead-in sentence, a definition list's terms,
the code block after "To ... :", the answer after an FAQ's question.

A passage's text is its document's blocks joined by blank lines (qa.blocks): a paragraph is one line, a code block
keeps its line breaks, a definition list's term ("--soft", "until", "-c <new-branch>") is a short block of its
own before its description.  These functions read the blocks that follow a sentence, across the passages of the
same document that continue one another, and keep each piece whole and cited by the passage that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.chunking import sentence_spans
from qa.citations import place_marks
from qa.types import Passage

MAX_ITEMS = 16
MIN_DEFINITION_SCORE = 0.45  # the best entry of a definition list must answer this well (as a look-up's sentence must)
_LEAD_IN = re.compile(r"(:\s*$)|\b(the following|as follows|a number of ways|several ways|include:?\s*$)", re.I)
_BACK_REFERENCE = re.compile(r"^(these|this|those|such|the above|all of (these|them)|note|see also|in addition|otherwise)\b", re.I)
_CODE_START = re.compile(r"^(\$|#|>>>|%)\s|^[a-z][\w.-]*\s+(?:-{1,2}\w|[<\[{($/~.\"'=|;&])|^[\w.-]+\[.*\]=|^\w+\s*\(\)\s*\{|"
                         r"^(git|pip|python3?|sudo|cd|ls|mkdir|echo|export|declare|source|make|cat|cp|mv|rm)\s")
_SECTION_NUMBER = re.compile(r"^(\d+\.)+\d*\s+[A-Z]")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


@dataclass
class Unit:
    """One piece of a document after some sentence: a sentence of a paragraph, a code block, a definition-list term
    or an FAQ question; cited by the (1-based) passage that holds it whole."""

    kind: str  # 'sentence', 'code', 'term', 'question', 'heading'
    text: str
    start: int  # offsets in the document
    end: int
    passage: int
    block: int  # index of its block among the units read (sentences of one paragraph share it)
    block_end: bool = False  # the last sentence of its paragraph


def continued_text(passages: Sequence[Passage], n: int) -> tuple[int, str]:
    """(start, text) of the document's text that passage ``n`` (1-based) and the passages continuing it cover."""
    p = passages[n - 1]
    start, text = p.start, p.text
    same = sorted((q for q in passages if q.doc_id == p.doc_id), key=lambda q: q.start)
    grew = True
    while grew:
        grew = False
        end = start + len(text)
        for q in same:
            if q.start <= end < q.start + len(q.text):
                text += q.text[end - q.start :]
                grew = True
                break
            if end < q.start <= end + 2 and q.text:  # the next chunk starts after the blank line or space between them
                text += ("\n\n" if q.start - end == 2 else " ") + q.text
                grew = True
                break
    return start, text


def holder(passages: Sequence[Passage], doc_id: str, start: int, end: int, prefer: int) -> int | None:
    """The passage (1-based) holding document offsets [start, end) whole: ``prefer`` when it does."""
    order = [prefer] + [i for i in range(1, len(passages) + 1) if i != prefer]
    for i in order:
        q = passages[i - 1]
        if q.doc_id == doc_id and q.start <= start and end <= q.start + len(q.text):
            return i
    return None


def looks_like_code(block: str, after_lead_in: bool = False) -> bool:
    """A block of code or a command: several lines, a shell prompt, a command with options; after a sentence that
    leads into it ('... is created using', '... as follows:') any single line that is no sentence."""
    b = block.strip()
    if "\n" in b:
        return True
    if _SENTENCE_END.search(b) and len(b.split()) > 4:
        return False
    if _CODE_START.search(b):
        return True
    codelike = " " in b or bool(re.search(r"[=(){}\[\]$/;|<>]", b))  # one bare word after a lead-in is a term ('until')
    return after_lead_in and codelike and not _SENTENCE_END.search(b) and len(b) < 160


def looks_like_term(block: str) -> bool:
    """A definition list's term or a small heading: one short line that is no sentence ('--soft', 'until', 'ort',
    '-c <new-branch>', 'Invoked by remote shell daemon')."""
    b = block.strip()
    if _SECTION_NUMBER.match(b):  # '3.2.5.1 Looping Constructs' heads a section, it is no term
        return False
    return 0 < len(b) <= 70 and "\n" not in b and not _SENTENCE_END.search(b) and not b.endswith((":", ",")) and len(b.split()) <= 7


def announces(text: str) -> bool:
    """Does a sentence say outright that a list follows ('the following', 'as follows', a colon at its end)?"""
    return bool(_LEAD_IN.search(text.strip()))


def is_command(text: str) -> bool:
    """A 'sentence' that is a command, a synopsis or program output rather than prose."""
    t = text.strip()
    return "\n" in t or looks_like_code(t) or t[:1] in "$#[]|<>{"


def leads_in(text: str) -> bool:
    """Does a sentence announce what follows ('the following are disallowed:', 'as follows', 'is created using')?"""
    t = text.strip()
    return bool(_LEAD_IN.search(t)) or not _SENTENCE_END.search(t) and len(t.split()) > 3 and t[-1:].isalnum() and " " in t


def units_after(passages: Sequence[Passage], n: int, offset: int, limit: int = 40, mid_paragraph: bool = True, lead: str = "") -> list[Unit]:
    """The units of the document after ``offset`` (the end of a sentence of passage ``n``), in order: the rest of
    its paragraph's sentences (``mid_paragraph``; block 0, empty when the sentence ends its paragraph), then the
    following blocks, as far as the passages read continue the document (``lead``: the sentence before them)."""
    p = passages[n - 1]
    start, text = continued_text(passages, n)
    rest = text[offset - start :]
    units: list[Unit] = []
    pos, previous, block_index = offset - start, lead, 0
    first = mid_paragraph
    headings = {h.strip() for q in passages if q.doc_id == p.doc_id for h in q.heading.split(" › ") if h.strip()}
    for raw in rest.split("\n\n"):
        block_start = start + pos
        pos += len(raw) + 2
        block = raw.strip()
        if not block:
            block_index += first
            first = False
            continue
        lead = len(raw) - len(raw.lstrip())
        b_start, b_end = block_start + lead, block_start + lead + len(block)
        if first:  # the rest of the anchor's own paragraph
            kind = "sentence"
        elif block in headings:  # the section's own heading ('MERGE STRATEGIES'): no term, no item
            kind = "heading"
        elif looks_like_code(block, after_lead_in=bool(previous) and leads_in(previous)):
            kind = "code"
        elif looks_like_term(block):
            kind = "term"
        elif block.rstrip("\"'”’ ").endswith("?") and len(block) < 200:
            kind = "question"
        else:
            kind = "sentence"
        if kind == "sentence":
            spans = sentence_spans(block, offset=b_start)
            for i, s in enumerate(spans):
                owner = holder(passages, p.doc_id, s.start, s.end, n)
                if owner is None:
                    return units
                units.append(Unit("sentence", block[s.start - b_start : s.end - b_start], s.start, s.end, owner, block_index, i == len(spans) - 1))
            previous = block
        else:
            owner = holder(passages, p.doc_id, b_start, b_end, n)
            if owner is None:
                return units
            units.append(Unit(kind, block, b_start, b_end, owner, block_index, True))
            previous = block
        first = False
        block_index += 1
        if len(units) >= limit:
            break
    return units


def cite(text: str, n: int) -> str:
    return place_marks(text.strip(), f"[{n}]", add_stop=True)


def fenced(code: str, n: int) -> str:
    return "```\n" + code.strip("`\n") + f"\n```\n[{n}]"


def terms_before(passages: Sequence[Passage], n: int, start: int) -> list[str]:
    """The definition-list terms just before a description's first sentence ('-c <new-branch>', '--create
    <new-branch>' before 'Create a new branch ...'); [] when the sentence does not open a description."""
    p = passages[n - 1]
    before = p.text[: start - p.start]
    if before and not before.endswith("\n\n"):
        return []
    blocks = [b.strip() for b in before.split("\n\n")[:-1]]
    headings = {h.strip() for h in p.heading.split(" › ")}
    terms: list[str] = []
    for b in reversed(blocks):
        if looks_like_term(b) and b not in headings and len(terms) < 3:
            terms.insert(0, b)
        else:
            break
    return terms


def with_terms(terms: list[str], sentence: str, n: int) -> str:
    """'`-c <new-branch>`, `--create <new-branch>`: Create a new branch … [1].'"""
    return (label(terms) + ": " if terms else "") + cite(sentence, n)


def definitions(units: Sequence[Unit]) -> list[tuple[list[Unit], Unit | None]]:
    """The definition-list entries among units: (its terms, the first sentence of its description that states
    something rather than leading into code), in order."""
    out: list[tuple[list[Unit], Unit | None]] = []
    i = 0
    while i < len(units):
        if units[i].kind != "term":
            i += 1
            continue
        terms = []
        while i < len(units) and units[i].kind == "term":
            terms.append(units[i])
            i += 1
        description = None
        j = i
        while j < len(units) and units[j].kind not in ("term", "heading") and j < i + 6:
            if units[j].kind == "sentence" and not units[j].text.rstrip().endswith(":") and len(units[j].text) >= 15:
                description = units[j]
                break
            j += 1
        out.append((terms, description))
    return out


def top_level(entries: list) -> list:
    """A definition list's own entries without the options nested under them: when the first entry's term is a word
    ('dirs', 'pushd') and others are options ('-c', '+N'), the options belong to the entry above them."""
    if entries and not entries[0][0][0].text.startswith(("-", "+")):
        return [(t, d) for t, d in entries if not t[0].text.startswith(("-", "+"))]
    return entries


def is_fragment(u: Unit, units: Sequence[Unit]) -> bool:
    """A piece of a sentence the sentence splitter cut off ('… an argument to the . builtin command.' ->
    'builtin command.'): it and the sentence before it in the block would each misquote."""
    same = [v for v in units if v.block == u.block]
    return any(v.text[:1].islower() for v in same[1:])


def definition_line(terms: Sequence[Unit], description: Unit | None) -> str:
    names = label([t.text for t in terms])
    if description is None:
        return "- " + cite(names, terms[0].passage)
    return "- " + names + ": " + cite(description.text, description.passage)


def label(terms: Sequence[str]) -> str:
    """Definition terms as the label of the line describing them ('`-c <new-branch>`, `--create <new-branch>`'); the
    verifier keeps such a label as written and checks the claim after it."""
    return ", ".join(f"`{t.replace('`', '')}`" for t in terms)


def units_after_sentence(s, passages: Sequence[Passage], limit: int = 40) -> list[Unit]:
    """The units after a scored sentence (qa.extractive.ScoredSentence) in its document."""
    return units_after(passages, s.passage, s.end, limit, lead=s.text)


def announced(s, passages: Sequence[Passage], limit: int = 40) -> list[Unit]:
    """The units of the list a lead-in sentence announces: the blocks after it until the text turns back to itself
    ('These restrictions are enforced ...'), a definition-list term or a question begins; the rest of its own
    paragraph first ('There are a number of ways to refer to a job. Job number n may be ...')."""
    units = units_after_sentence(s, passages, limit)
    out: list[Unit] = []
    for u in units:
        if u.kind in ("term", "question", "heading") or (u.kind == "sentence" and _BACK_REFERENCE.match(u.text) and out):
            break
        out.append(u)
    return out


def lead_in_items(s, passages: Sequence[Passage], max_items: int = MAX_ITEMS) -> list[str]:
    """The items a lead-in sentence announces, as cited bullets: a definition list's entries when one starts right
    after it ('until', 'while', 'for'; a note may come first), else the blocks of the list it announces (see
    announced)."""
    units = units_after_sentence(s, passages)
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
    best = ranked[0].score
    for s in ranked[:12]:  # the best few that lead in, or a little further one that says 'the following ...:' outright
        if s.score < best - 0.2 or s.score < floor:
            break
        if is_command(s.text):  # 'git grep --all-match -e NODE' ends without a stop but leads into nothing
            continue
        if (leads_in(s.text) and s.score >= best - 0.12) or announces(s.text):
            items = lead_in_items(s, passages)
            if len([i for i in items if i.startswith("- ")]) >= 2:
                if len(items) < 4:  # a short list may run past what was read
                    same = [r for r in ranked if passages[r.passage - 1].doc_id == passages[s.passage - 1].doc_id]
                    items += extra_items(items, same, passages, best - 0.2)
                return "\n".join([cite(s.text, s.passage)] + items)
    entries = definition_items(question, ranked, passages, max(floor, best - 0.2))
    return "\n".join(entries) if len(entries) >= 3 else ""
