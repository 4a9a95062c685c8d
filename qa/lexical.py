"""Word-level helpers shared by retrieval and answering: tokens, stems, content words, numbers."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

QUESTION_WORDS = {
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much", "did", "does", "do",
    "was", "were", "has", "have", "had", "is", "are", "been", "can", "could", "would", "should", "according",
    "about", "from", "its", "his", "her", "their", "they", "he", "she", "we", "you", "i", "me", "name", "tell",
    "than", "also", "any", "some", "one",
}
STOPWORDS = frozenset(STOPWORDS_EN) | QUESTION_WORDS
_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_NUMBER = re.compile(r"^\d")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words and numbers ('76,226', '20%' kept whole)."""
    return [w.lower() for w in _WORD.findall(text)]


def stems(text: str) -> list[str]:
    """Stemmed words, stopwords removed: the unit lexical matching works on."""
    toks = [w for w in words(text) if w not in STOPWORDS]
    stemmer = _stemmer()
    return [t if _NUMBER.match(t) else stemmer.stemWord(t) for t in toks]


def numbers(text: str) -> set[str]:
    """Figures in a text, normalised ('76,226' -> '76226')."""
    return {w.replace(",", "").rstrip("%") for w in words(text) if _NUMBER.match(w)}


def is_number(token: str) -> bool:
    return bool(_NUMBER.match(token))


def format_figure(x: float) -> str:
    """A figure as an answer writes it: thousands separated, no '.0' on a whole number (76226.0 -> '76,226')."""
    return f"{int(x):,}" if x == int(x) else f"{x:,}"


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:1[5-9]|20)\d\d"
_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}\b", re.I)
_DATELINE = re.compile(rf"^\s*{_MONTH}\s+\d{{1,2}},\s+{_YEAR}\s*(?:\.\.\.|…|-|–|—)\s*", re.I)  # "Apr 20, 2022 ... " of a web snippet
_ASKS_DATE = re.compile(r"^\s*(when|on what date|what date)\b|\b(release|premiere|launch|air) date\b", re.I)


_YEARS = re.compile(rf"\b({_YEAR})s?\b")
_MONTH_NAME = re.compile(r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b")


def years(text: str) -> set[str]:
    """Years a text names ('in 2021', 'the 1990s' -> '1990')."""
    return set(_YEARS.findall(text))


def mentions_a_time(text: str) -> bool:
    """A year or a (capitalised) month name."""
    return bool(_YEARS.search(text) or _MONTH_NAME.search(text))


def asks_for_a_date(question: str) -> bool:
    """'When was X released?', 'What is the premiere date of Y?'"""
    return bool(_ASKS_DATE.search(question))


def states_a_date(text: str) -> bool:
    """Does the text give a full calendar date ('August 22, 2021', '1 December 2017'), not counting the date a
    web page was written when it leads the text ('Apr 20, 2022 ... ')?"""
    return bool(_DATE.search(_DATELINE.sub("", text, count=1)))
