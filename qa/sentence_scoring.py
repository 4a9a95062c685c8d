"""How well a sentence answers a question, before any kind's composing: closeness in meaning and the question's
words, the fit of its kind of answer (a figure for 'how many', a year for 'when') and of its period; the record
of a scored sentence (qa.extractive scores every sentence of the passages read with these)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.citations import place_marks
from qa.lexical import asks_for_a_date, mentions_a_time, numbers, states_a_date, stems, years

_ASKS_FIGURE = re.compile(r"\b(how (many|much|long|old|far|often)|what (percentage|percent|number|share|amount|proportion)|how large|"
                          r"(maximum|minimum|largest|smallest) (number|size|amount|count|length|value)|(which|what) (exit|return) (codes?|status(es)?|values?))\b", re.I)
_ASKS_SHARE = re.compile(r"\bwhat (percentage|percent|share|proportion|fraction)\b|\bby what (percentage|percent)\b", re.I)
_GIVES_SHARE = re.compile(r"\d\s?%|\b(percent|per cent|percentage|half|third|quarter|fifth|tenth|fold|majority|share|proportion)\b|\b\d+ (in|of|out of) (every )?\d+\b", re.I)
_NUMBER_WORD = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?|half|twice)\b", re.I)
_ASKS_TIME = re.compile(r"^\s*(when|in what year|what year|what date|since when)\b", re.I)
_ASKS_WHO = re.compile(r"^\s*(who|whom|whose)\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?\b")
_ASKS_PLACE = re.compile(r"^\s*(where|in (what|which) (directory|folder|file|place|city|country|region|location))\b", re.I)
#: a place: a locative preposition before what it places ('in the build root', 'under ~/.config', 'north of Paris'),
#: or a path ('/etc/gitconfig', '~/.bashrc', '$HOME/.ninja_log'); 'to build' and 'of the command' place nothing
_GIVES_PLACE = re.compile(r"\b(in|at|on|under|inside|within|into|onto|near|beside|from|below|above|beneath|between|across|along|around|"
                          r"throughout|outside|(?:north|south|east|west)(?:ern|east|west)? of)\s+[\w$~./'\"`‘“]|(?:^|[\s(`'\"])[~$]?[\w.-]*/[\w./-]+", re.I)
#: 'What is the default history file when bash is in POSIX mode?': what is asked comes before the clause that sets
#: the case; a sentence restating the case ('POSIX mode changes ...') does not answer
_CASE_CLAUSE = re.compile(r"^\s*(?:what|which|how many|how much)\b(.+?)\s+\b(?:when|if|while|whenever|unless|once)\b\s+\S", re.I)
FOCUS = 0.15  # the share of what is asked a sentence holds, this much more
#: 'What is ninja's default progress status?' asks for the value of a thing it names
_WHAT_IS = re.compile(r"^\s*what(?:\s+is|['’]s|\s+are|\s+was|\s+were)\s+(?:the\s+|an?\s+)?(?:(?P<owner>[\w.+-]+)['’]s?\s+)?(?P<thing>[^?]+?)\s*\??\s*$", re.I)
SUBJECT = 0.1  # a sentence whose subject is that thing ('The default progress status is "[%f/%t] "'), this much more
_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


@dataclass
class ScoredSentence:
    passage: int  # 1-based passage number
    start: int  # offsets in the document
    end: int
    text: str
    score: float
    dense: float = 0.0  # closeness in meaning to the question alone
    vector: list[float] | None = None  # the sentence's embedding (summaries pick diverse points with it)
    context: str = ""  # the question this sentence answers when it follows one in its passage (a FAQ), else ''
    lifted: float = 0.0  # how much the code it leads into added to its score (a how-to's lead-in, qa.compose_howto)
    term: str = ""  # the definition term or synopsis line above its paragraph ('--depth <depth>'), '' when none
    leans_on: tuple[int, int, str] | None = None  # (start, end, text) of the sentence before it, when it refers back to it


def sentence_score(question: str, sentence: str, dense: float, overlap: float) -> float:
    """How well a sentence answers: closeness in meaning and the question's words, half each, plus the fit of its
    kind of answer, of its period and of its subject."""
    return 0.5 * dense + 0.5 * overlap + answer_type_fit(question, sentence) + period_fit(question, sentence) + subject_fit(question, sentence)


def subject_fit(question: str, sentence: str) -> float:
    """+ when a 'What is X?' question's X (its owner may be left out) is the sentence's subject, with 'is' or 'are'
    after it: 'The default progress status is ...' answers 'What is ninja's default progress status?', where a
    sentence that only mentions X ('NINJA_STATUS, the progress status printed before ...') does not."""
    subject = _asked_subject(question)
    return SUBJECT if subject is not None and subject.match(sentence) else 0.0


@lru_cache(maxsize=64)
def _asked_subject(question: str) -> re.Pattern | None:
    """The start of a sentence whose subject is what 'What is X?' asks ('[The] [owner's] X is'); None for other
    questions.  Made once a question: every sentence read is matched against it."""
    m = _WHAT_IS.match(question)
    if not m:
        return None
    owner = rf"(?:{re.escape(m.group('owner'))}['’]s?\s+)?" if m.group("owner") else ""
    thing = r"\s+".join(re.escape(w) for w in m.group("thing").split())
    return re.compile(rf"^\W*(?:the\s+|an?\s+)?{owner}{thing}\s+(?:is|are|was|were)\b", re.I)


def answer_type_fit(question: str, sentence: str) -> float:
    """+ when the sentence holds the kind of answer the question asks for, - when it cannot."""
    if _ASKS_FIGURE.search(question):
        new = numbers(sentence) - numbers(question) or counted_words(sentence) - counted_words(question)  # 'only two bytes'
        return 0.1 if new else -0.15
    if asks_for_a_date(question) and states_a_date(sentence):  # 'when was it released?': a full date answers best
        return 0.15
    if _ASKS_TIME.search(question) or asks_for_a_date(question):
        return 0.1 if mentions_a_time(sentence) else -0.15
    if _ASKS_PLACE.search(question):  # 'Where does ninja keep its log?': 'in the build root', not 'Ninja keeps a log'
        return 0.1 if _GIVES_PLACE.search(sentence) else -0.15
    if _ASKS_WHO.search(question):  # a name the question does not already give
        asked = {w.lower() for w in _NAME.findall(question)}
        return 0.1 if any(w.lower() not in asked for w in _NAME.findall(sentence[1:])) else -0.15
    return 0.0


def period_fit(question: str, sentence: str) -> float:
    """- when the question names a year and the sentence is about other years only ('revenue in Q1 2021?' against
    a sentence on Q1 2023): the same fact for another period is not the answer."""
    asked = years(question)
    said = years(sentence)
    return -0.15 if asked and said and not asked & said else 0.0


def term_overlap(question_stems: Sequence[str], sentence: str, weight: Callable[[str], float] | None = None, parts: bool = False) -> float:
    """Share of the question's content words found in the text, each weighted by ``weight`` (its rarity in the
    collection; figures count double when no weight is given)."""
    if not question_stems:
        return 0.0
    have = set(stems(sentence)) | (set(stems(_HYPHEN.sub(" ", sentence))) if parts else set())  # 'git-rm(1)' holds 'rm'
    weights = {q: (weight(q) if weight else (2.0 if q[0].isdigit() else 1.0)) for q in set(question_stems)}
    total = sum(weights.values()) or 1.0
    return sum(w for q, w in weights.items() if q in have) / total


def with_marker(sentence: str, n: int) -> str:
    """'It rose 5%.' -> 'It rose 5% [n].'  (After an abbreviation such as 'U.S.' the marker follows the stop.)"""
    return place_marks(sentence, f"[{n}]", add_stop=True)


def figures(text: str) -> set[str]:
    """Amounts in a text (not years): figures with a thousands separator, a decimal point or a percent sign."""
    return {w.replace(",", "").rstrip("%") for w in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+(?=%| percent)", text)}


def similar_words(a: str, b: str) -> float:
    sa, sb = set(stems(a)), set(stems(b))
    return len(sa & sb) / max(1, len(sa | sb))


def asked_focus(question: str) -> list[str]:
    """The stems of what a look-up asks for when a clause after it sets the case ('default history file' in 'What is
    the default history file when bash is in POSIX mode?'); [] when no such clause follows."""
    m = _CASE_CLAUSE.match(question)
    return stems(m.group(1)) if m else []


def focus_fit(focus: Sequence[str], sentence: str, weight: Callable[[str], float] | None = None) -> float:
    """FOCUS times the (weighted) share of what is asked the sentence holds; 0 when the question has no case clause."""
    return FOCUS * term_overlap(focus, sentence, weight) if focus else 0.0


_COUNT_WORD = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?|twice)\b", re.I)


def counted_words(text: str) -> set[str]:
    """Amounts a text spells out in words ('two bytes'); not 'one', which is as often a pronoun."""
    return {w.lower() for w in _COUNT_WORD.findall(text)}
