"""Citation markers: parse, renumber, and turn into Citation records.  Pure functions, no I/O.

A generator writes markers ``[n]`` that refer to the n-th passage it was given (1-based).  The answer shown to
people numbers its sources by first use: ``[1]`` is the first source cited, every marker has exactly one
citation, every citation is used, and markers that point at no given passage are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.blocks import page_at
from qa.types import Citation, Passage

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_END_OF_SENTENCE = re.compile(r"[.!?:][\"'”’)]*$")
_ENDS_WITH_ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}$")


def marker_numbers(text: str) -> list[int]:
    """Every number cited in ``text``, in order of first appearance, without repeats.  '[1, 3]' cites 1 and 3."""
    seen: list[int] = []
    for match in MARKER.finditer(text):
        for part in re.split(r"[,;]", match.group(1)):
            n = int(part)
            if n not in seen:
                seen.append(n)
    return seen


def place_marks(sentence: str, marks: str, add_stop: bool = False) -> str:
    """Put citation markers at the end of a sentence, before its closing punctuation: 'It rose 5%.' -> 'It rose 5% [1].'
    After an abbreviation ('the U.S.') they follow the stop; a sentence with no stop gets one when ``add_stop``."""
    match = _END_OF_SENTENCE.search(sentence)
    if match and not _ENDS_WITH_ABBREVIATION.search(sentence):
        return f"{sentence[: match.start()]} {marks}{sentence[match.start():]}"
    return f"{sentence} {marks}" + ("." if add_stop and not match else "")


def renumber(text: str, valid: Callable[[int], bool]) -> tuple[str, list[int]]:
    """Rewrite markers so sources are numbered 1, 2, ... by first use; drop numbers for which ``valid`` is False.

    Returns the new text and, for each new number (index + 1), the original number it stands for.
    '[1, 3]' becomes '[1][2]'; a marker left empty is removed with the space before it."""
    order: list[int] = []

    def rewrite(match: re.Match) -> str:
        out = []
        for part in re.split(r"[,;]", match.group(1)):
            n = int(part)
            if not valid(n):
                continue
            if n not in order:
                order.append(n)
            mark = f"[{order.index(n) + 1}]"
            if mark not in out:
                out.append(mark)
        return "".join(out)

    pieces = re.split(r"(```.*?```)", text, flags=re.S)  # inside a code block, '[10]' is code ('x[10] = 0;'), not a marker
    new = "".join(piece if i % 2 else MARKER.sub(rewrite, piece) for i, piece in enumerate(pieces))
    new = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", new)  # 'x [1][1]' -> 'x [1]'
    parts = re.split(r"(```.*?```)", new, flags=re.S)  # a code block keeps its spaces ('then . ~/.bashrc', indentation)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"[ \t]+(?=[.,;:!?](\s|$))", "", parts[i])  # 'claim [9].' with [9] dropped -> 'claim.'
        parts[i] = re.sub(r"[ \t]{2,}", " ", parts[i])
    return "".join(parts).strip(), order


QuoteFinder = Callable[[str, Passage], tuple[str, int, int]]  # (claim sentence, passage) -> (quote, start, end)


def build_citations(text: str, passages: Sequence[Passage], quote_for: dict[int, tuple[str, int, int]] | QuoteFinder) -> tuple[str, list[Citation]]:
    """Renumber ``text``'s markers and make one Citation per source used.

    ``quote_for`` gives, per original passage number, the supporting quote and its document offsets; or it is a
    function that finds the quote from the claim (the text before the marker, back to the previous sentence end)."""
    new_text, order = renumber(text, lambda n: 1 <= n <= len(passages))
    citations = []
    for new_n, old_n in enumerate(order, start=1):
        p = passages[old_n - 1]
        if isinstance(quote_for, dict) and old_n in quote_for:
            quote, qs, qe = quote_for[old_n]
        elif callable(quote_for):
            quote, qs, qe = quote_for(claim_before(new_text, new_n), p)
        else:
            quote, qs, qe = p.text, p.start, p.end
        citations.append(
            Citation(n=new_n, doc_id=p.doc_id, title=p.title, chunk_id=p.chunk_id, text=p.text, quote=quote,
                     quote_start=qs, quote_end=qe, start=p.start, end=p.end, source=p.source, page=page_at(p.page_starts, qs, p.page),
                     heading=p.heading)
        )
    return new_text, citations


def claim_before(text: str, n: int) -> str:
    """The sentence that the first marker [n] in ``text`` closes (markers removed)."""
    match = re.search(rf"\[{n}\]", text)
    if not match:
        return ""
    head = text[: match.start()]
    start = max(head.rfind(". "), head.rfind("! "), head.rfind("? "), head.rfind("\n"))
    return MARKER.sub("", head[start + 1 :]).strip()


def check_citations(text: str, citations: Sequence[Citation]) -> list[str]:
    """Problems with an answer's citations (empty when every marker has exactly one citation and all are used)."""
    used = marker_numbers(text)
    have = [c.n for c in citations]
    problems = [f"[{n}] has no citation" for n in used if n not in have]
    problems += [f"citation {n} is not used in the text" for n in have if n not in used]
    problems += [f"citation {n} appears {have.count(n)} times" for n in set(have) if have.count(n) > 1]
    return problems
