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
from dataclasses import dataclass, replace

from qa.chunking import sentence_spans
from qa.citations import place_marks
from qa.types import Passage

_LEAD_IN = re.compile(r"(:\s*$)|\b(the following|as follows|a number of ways|several ways|include:?\s*$)", re.I)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
#: 'grouped into four categories', 'comes in three forms': a sentence that says how many kinds follow
_COUNTED = re.compile(r"\b(?:into|in|of|are|has|have)\s+(two|three|four|five|six|seven|eight|nine|ten|[2-9])\s+(?:main\s+|broad\s+|basic\s+|different\s+)?"
                      r"(categories|groups|kinds|types|classes|forms|modes|roles|stages|phases)\b", re.I)
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
    if _CODE_START.search(b) or (b.count(";") >= 2 and not _SENTENCE_END.search(b)):  # 'while test; do commands; done'
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
    """Does a sentence say outright that a list follows ('the following', 'as follows', a colon at its end, 'are
    grouped into four categories')?"""
    return bool(_LEAD_IN.search(text.strip())) or announced_count(text) > 0


def announced_count(text: str) -> int:
    """How many items a sentence says follow ('Git users can broadly be grouped into four categories ...' -> 4), 0
    when it names no count."""
    m = _COUNTED.search(text)
    if not m:
        return 0
    word = m.group(1).lower()
    return int(word) if word.isdigit() else _COUNT_WORDS[word]


def is_command(text: str) -> bool:
    """A 'sentence' that is a command, a synopsis or program output rather than prose."""
    t = text.strip()
    return "\n" in t or looks_like_code(t) or t[:1] in "$#[]|<>{"


def leads_in(text: str) -> bool:
    """Does a sentence announce what follows ('the following are disallowed:', 'as follows', 'is created using')?"""
    t = text.strip()
    return bool(_LEAD_IN.search(t)) or announced_count(t) > 0 or not _SENTENCE_END.search(t) and len(t.split()) > 3 and t[-1:].isalnum() and " " in t


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


def in_code(p: Passage, offset: int) -> bool:
    """Is document offset ``offset`` inside one of the passage's code blocks (``code_spans``; never when they are
    unknown)?"""
    return any(s <= offset < e for s, e in p.code_spans or ())


def blocks_before(p: Passage, start: int) -> list[tuple[str, bool]]:
    """The whole blocks of a passage before document offset ``start``, each with whether it is a code block
    (``in_code``)."""
    out, at = [], p.start
    for raw in p.text[: max(0, start - p.start)].split("\n\n")[:-1]:
        out.append((raw.strip(), in_code(p, at + len(raw) - len(raw.lstrip()))))
        at += len(raw) + 2
    return out


def terms_before(passages: Sequence[Passage], n: int, start: int) -> list[str]:
    """The definition-list terms just before a description's first sentence ('-c <new-branch>', '--create
    <new-branch>' before 'Create a new branch ...'); [] when the sentence does not open a description."""
    p = passages[n - 1]
    before = p.text[: start - p.start]
    if before and not before.endswith("\n\n"):
        return []
    headings = {h.strip() for h in p.heading.split(" › ")}
    terms: list[str] = []
    for b, is_code in reversed(blocks_before(p, start)):
        if looks_like_term(b) and b not in headings and len(terms) < 3 and not is_code:
            terms.insert(0, b)  # a code block ('ninja -t browse --port=8000 mytarget') ends the terms: it is an example
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


def is_fragment(u: Unit, units: Sequence[Unit]) -> bool:
    """A piece of a sentence the sentence splitter cut off ('… an argument to the . builtin command.' ->
    'builtin command.'): it and the sentence before it in the block would each misquote."""
    same = [v for v in units if v.block == u.block]
    return any(v.text[:1].islower() for v in same[1:])


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
    count = announced_count(s.text)  # 'grouped into four categories': four items, one paragraph each
    out: list[Unit] = []
    for u in units:
        if u.kind in ("term", "question", "heading") or (u.kind == "sentence" and _BACK_REFERENCE.match(u.text) and out):
            break
        if count and len({v.block for v in out} | {u.block}) > count:
            break
        out.append(u)
    return out


def paragraph_lead_in(s, passages: Sequence[Passage]):
    """The sentence that ends a scored sentence's paragraph when it announces a list with a colon ('This form resets
    the current branch head ... The <mode> must be one of the following:'), as a scored sentence of the same score;
    None otherwise."""
    own = [u for u in units_after_sentence(s, passages, limit=12) if u.block == 0]
    if not own or not own[-1].block_end or not own[-1].text.rstrip().endswith(":") or not announces(own[-1].text):
        return None
    last = own[-1]
    return replace(s, passage=last.passage, start=last.start, end=last.end, text=last.text)
