"""Acronyms defined in passages: 'the Centers for Disease Control and Prevention (CDC)', or capitals whose initials
spell the acronym, so a question using 'CDC' is not refused by a passage that spells the name out."""

from __future__ import annotations

import re
from collections.abc import Iterable

_DEFINED = re.compile(r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the|on|in|&)\s+)*){1,8})\(([A-Z][A-Za-z&]{1,9})\)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{1,9}s?\b")
_SMALL = {"of", "for", "and", "the", "on", "in", "&"}


def initials(words: list[str]) -> str:
    return "".join(w[0].upper() for w in words if w.lower() not in _SMALL)


def acronyms_in(texts: Iterable[str], wanted: Iterable[str] = ()) -> dict[str, str]:
    """acronym -> its spelled-out name, from the texts: defined in parentheses, or (for the ``wanted`` acronyms) a
    run of capitalised words whose initials spell it."""
    found: dict[str, str] = {}
    texts = list(texts)
    for text in texts:
        for name, acr in _DEFINED.findall(text):
            words = name.split()
            while words and initials(words) != acr.upper() and len(initials(words)) > len(acr):
                words = words[1:]
            while words and words[0].lower() in _SMALL:
                words = words[1:]
            if initials(words) == acr.upper():
                found.setdefault(acr, " ".join(words))
    for acr in wanted:
        if acr in found or len(acr) < 2:
            continue
        run = r"\s+(?:(?:of|for|and|the|on|in|&)\s+)*".join(rf"{c}[\w'’-]+" for c in acr.rstrip("s"))
        for text in texts:
            m = re.search(rf"\b{run}", text)
            if m:
                found[acr] = m.group(0)
                break
    return found


def question_acronyms(question: str) -> list[str]:
    return [a for a in _ACRONYM.findall(question) if a not in ("I", "A")]


def with_expansions(text: str, expansions: dict[str, str]) -> str:
    """The text with each acronym whose spelled-out name it holds added (so 'CDC' is found in it)."""
    extra = [acr for acr, name in expansions.items() if name.lower() in text.lower() and acr not in text]
    return text + (" " + " ".join(extra) if extra else "")
