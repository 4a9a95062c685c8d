"""What makes a sentence worth a point of a summary, and the parts of a document a summary covers.

A point carries substance: the specifics a reader would look for (figures, dates, names, commands, options, file
names, variables) and words beyond what the question and the title already say; a sentence that only restates the
subject ('This section describes how Bash executes its startup files.') or points elsewhere ('as described above')
is worth less, as is one that leans on the sentence before it ('This may be inhibited ...').

The parts of a document are its sections (its heading path), or, in a document printed without them (a PDF, a
plain-text article), the short lines that head its parts ('Invoked non-interactively'), or its paragraphs; within a
section, a definition list's entries ('pop [--index] [<stash>]') and its paragraphs are its sub-parts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.compose_structured import looks_like_code, looks_like_term
from qa.lexical import stems
from qa.types import Passage

FACT_WEIGHT = 0.03  # value gained per specific a sentence states (a figure, a name, an option), ...
MAX_FACTS = 3  # ... counted up to this many
NEW_WORDS = 4  # a sentence bringing fewer content words than this beyond the subject ...
NEW_WORD_WEIGHT = 0.03  # ... loses this much per word missing
META_WEIGHT = 0.06  # a sentence about the document or pointing elsewhere ('This section describes', 'see above')
LEANING_WEIGHT = 0.04  # a sentence that opens leaning on the one before it ('This may be ...', 'It will not ...')

#: Words a sentence about the document itself is made of: they say nothing of its subject.
_META_WORDS = set(stems("section chapter page manual document tutorial article post guide part describes explains covers discusses "
                        "shows presents lists contains following below above later earlier introduction overview summary"))
_META = re.compile(r"^\s*(this|the following|in this|the present) (section|chapter|page|document|manual|tutorial|article|post|guide|part|appendix)\b|"
                   r"\b(described|explained|discussed|shown|noted|mentioned|listed) (above|below|earlier|later|previously)\b|^\s*(see|refer to)\b|"
                   r"\bfor (more|further) (information|details)\b", re.I)
_LEANING = re.compile(r"^\s*(this|these|those|that|it|they|such|then|also|however|otherwise|but)\b(?!\s+(section|chapter|manual|page)\b)", re.I)
_FIGURE = re.compile(r"(?<![\w.])[$€£]?\d[\d,.]*\d(?:\s?%|\s(?:percent|million|billion|trillion|thousand))?|(?<![\w.])[$€£]?\d(?:\s?%)?(?![\w.])")
_CODE = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*|(?<![\w/])~?/[\w.-]+(?:/[\w.*-]*)*|\$\{[^}\s]+\}|\$[A-Za-z_]\w*|"
                   r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[a-z]+\.[a-z][A-Za-z]+\b|\b\w+\[[^\]\s]*\]|\bgit [a-z][a-z-]{2,}\b|\b\w+\(\d\)")
_NAMED_CODE = re.compile(r"\b(?:the )?([a-z][\w.-]*) (?:builtin|command|option|variable|hook|file|directory|keyword|reserved word)s?\b")  # 'the unset builtin'
_NAME = re.compile(r"(?<=[\w,;:)] )(?:[A-Z][a-z]+|[A-Z]{2,})(?:[ -](?:[A-Z][a-z]+|[A-Z]{2,}))*")
_CODE_CHARS = re.compile(r"[\[\]<>{}$|=/\\]")
_STOP = re.compile(r"[.!?][\"'”’)]*$")
_POINTER = re.compile(r"^\s*(see|refer to)\b", re.I)  # 'See git-am(1) for other options.': a pointer elsewhere, no point


def specifics(text: str, known: set[str] = frozenset()) -> list[str]:
    """The specifics a sentence states, once each: figures and dates, names (capitalised words not opening it),
    commands, options, paths, variables ('--login', '/etc/profile', 'BASH_ENV', '${name[@]}', 'git stash push');
    those whose words are all ``known`` (the subject asked about, the title) are left out."""
    found: list[str] = []
    for pattern in (_FIGURE, _CODE, _NAMED_CODE, _NAME):
        for m in pattern.finditer(text):
            item = (m.group(1) if pattern is _NAMED_CODE else m.group(0)).strip().rstrip(".,;:")  # '/etc/profile.' ends a sentence
            if pattern is _NAMED_CODE and item in ("the", "this", "that", "each", "any", "a", "an"):
                continue
            words = stems(item)
            if item and item not in found and not (words and set(words) <= known) and not any(item in f for f in found):
                found.append(item)
    return found


_ASKING = set(stems("what do does the documents document say says tell summarize summarise summary overview give me about"))


def topic_words(topic: str) -> set[str]:
    """The words naming a topic asked about ('What do the documents say about nitazenes?' -> nitazen)."""
    return set(stems(topic)) - _ASKING - _META_WORDS


def new_words(text: str, known: set[str] = frozenset()) -> int:
    """How many content words the sentence brings beyond ``known`` (the subject, the title) and words about the
    document itself."""
    return len(set(stems(text)) - known - _META_WORDS)


def point_worth(text: str, known: set[str] = frozenset()) -> float:
    """What a sentence's content adds to (or takes from) its worth as a point: its specifics, less when it brings
    few words of its own, speaks of the document rather than its subject, or leans on the sentence before it."""
    worth = FACT_WEIGHT * min(MAX_FACTS, len(specifics(text, known)))
    worth -= NEW_WORD_WEIGHT * max(0, NEW_WORDS - new_words(text, known))
    if _META.search(text):
        worth -= META_WEIGHT * (2 if _POINTER.match(text) else 1)
    if _LEANING.match(text):
        worth -= LEANING_WEIGHT
    return worth


@dataclass
class Block:
    """A block of a document read whole: a paragraph, a code block, a definition term or a short line heading a part."""

    start: int  # offsets in the document
    end: int
    text: str
    kind: str  # 'paragraph', 'code', 'term' (a definition list's), 'subheading' (a short line in words heading a part), 'heading'


def document_blocks(passages: Sequence[Passage]) -> list[Block]:
    """The blocks of the document the passages cover, in order (the passages of one document, read whole: each starts
    where the one before ended, a blank line or a space between them)."""
    ordered = sorted(passages, key=lambda p: p.start)
    headings = {h.strip() for p in ordered for h in p.heading.split(" › ") if h.strip()}
    pieces: list[tuple[int, str]] = []
    end = None
    for p in ordered:
        if end is not None and p.start < end:
            continue
        if end is not None and p.start - end >= 2:
            pieces.append((end, "\n" * (p.start - end)))  # a blank line (or more) between them: the offsets stay the document's
        elif end is not None and p.start > end:
            pieces.append((end, " "))
        pieces.append((p.start, p.text))
        end = p.start + len(p.text)
    if not pieces:
        return []
    start0 = pieces[0][0]
    text = "".join(t for _, t in pieces)
    raw: list[tuple[int, str]] = []
    pos = 0
    for part in text.split("\n\n"):
        stripped = part.strip()
        if stripped:
            raw.append((start0 + pos + len(part) - len(part.lstrip()), stripped))
        pos += len(part) + 2
    code = [span for p in ordered for span in (p.code_spans or ())]
    coded = [any(s <= at < e for s, e in code) for at, _ in raw]
    blocks = []
    for i, (at, b) in enumerate(raw):
        following = raw[i + 1][1] if i + 1 < len(raw) and not coded[i + 1] else "\n"  # a code block describes no term
        before = raw[i - 1][1] if i else ""
        blocks.append(Block(at, at + len(b), b, _block_kind(b, before, following, headings, coded[i])))
    return blocks


def _block_kind(block: str, before: str, following: str, headings: set[str], in_code: bool) -> str:
    if block in headings:
        return "heading"
    if in_code or "\n" in block:
        return "code"
    if looks_like_code(block):  # a command's synopsis heading its entry ('pop [--index] [<stash>]' / 'Remove a single ...'), or code after a lead-in
        after_whole = not before or before in headings or bool(_STOP.search(before)) or looks_like_term(before) and not in_words(before) or looks_like_code(before)
        entry = following[:1].isupper() and following not in headings and not looks_like_code(following) and after_whole  # not a recipe's line after 'Recipe: Copy maint'
        return "term" if entry else "code"
    if looks_like_term(block) or is_subheading(block, following):
        if in_words(block):  # 'Invoked non-interactively' heads a part; 'Brian' under a headline is a byline, no term
            return "subheading" if is_subheading(block, following) else "paragraph"
        described = following not in headings and (following[:1].isupper() and not looks_like_code(following)
                                                    or following.strip() and looks_like_term(following) and not in_words(following))
        return "term" if described else "paragraph"  # '--all' before its description (or '-a' before '--all'); 'or' between two commands is none
    return "paragraph"


def in_words(line: str) -> bool:
    """Is a short line written in words ('Invoked with unequal effective and real UID/GIDs'), not a command, an option
    or a name in code ('pop [--index] [<stash>]', '--login', 'pre-commit', 'credential.helper')?"""
    words = line.split()
    plain = [w for w in words if re.fullmatch(r"[A-Za-z][a-z]*([-/][a-z]+)*[,;]?|[A-Z]+(/[A-Z]+)?s?", w)]
    return line[:1].isupper() and len(plain) >= max(1, 2 * len(words) / 3) and not _CODE_CHARS.search(line.replace("/", ""))


def is_subheading(block: str, following: str) -> bool:
    """A short line in words without a full stop, before a paragraph that opens with a capital ('Invoked as an
    interactive login shell, or with --login' / 'When Bash is invoked as ...'), not a lead-in to code ('So,
    typically, your ~/.bash_profile contains the line' / 'if [ -f ~/.bashrc ]; ...')."""
    b = block.strip()
    return (0 < len(b) <= 90 and 2 <= len(b.split()) <= 12 and b[:1].isupper() and not re.search(r"[.!?:;,]$", b)
            and following[:1].isupper() and not looks_like_code(following) and "\n" not in following.strip())


def block_of(offset: int, blocks: Sequence[Block]) -> int:
    """The index of the block holding a document offset (the last block starting at or before it)."""
    lo, hi = 0, len(blocks)
    while lo < hi:
        mid = (lo + hi) // 2
        if blocks[mid].start <= offset:
            lo = mid + 1
        else:
            hi = mid
    return max(0, lo - 1)


def part_keys(offsets: Sequence[int], blocks: Sequence[Block]) -> list[tuple[int, int]]:
    """For each offset (a sentence's start): (the subheading above it, the sub-part it is in), as block indexes; the
    sub-part is the definition term above it, or its paragraph when no term heads it since the last subheading.
    -1 before the first subheading."""
    keys = []
    for at in offsets:
        i = block_of(at, blocks)
        sub, part = -1, i
        for j in range(i, -1, -1):
            kind = blocks[j].kind
            if kind in ("subheading", "heading"):
                sub = j
                break
            if kind == "term" and part == i:
                part = j
        keys.append((sub, part))
    return keys


def repeats(text: str, other: str, overlap: float = 0.6) -> bool:
    """Does a sentence say again what another says: most of its words shared, and the specifics
    of one all in the other ('... reads ~/.bashrc' does not repeat '... reads /etc/profile', however alike their
    words; '73,600 died' repeats '73,600 died, according to the CDC')?"""
    mine, theirs = set(stems(text)), set(stems(other))
    if len(mine & theirs) < overlap * max(1, len(mine)):  # it brings words of its own: more than a repeat
        return False
    a, b = set(specifics(text)), set(specifics(other))
    return a <= b or b <= a  # each stating a specific the other lacks: two facts
