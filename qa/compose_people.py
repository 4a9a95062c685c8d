"""Lists of the people a document quotes ('Which experts are quoted in the CNN article ...?'): one cited item per
named speaker, the first sentence in which the document gives their words ('..., said Ryan Hass, director of ...',
'according to Vanda Felbab-Brown', 'Hua Zhendong, deputy director of ..., told CNN'), in document order.

The sentences that quote people rarely share words with such a question, so they are found by their form, not
by their score."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.compose_structured import cite
from qa.types import Passage

_ASKS_SPEAKERS = re.compile(r"\b(quoted|quotes|cited|interviewed)\b|\bwho (said|says|spoke|speaks|commented|is quoted)\b", re.I)
_WORD = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{1,2}}"  # two or three capitalised words: 'Ryan Hass', 'Vanda Felbab-Brown'
_VERB = r"(?:said|says|told|added|noted|argued|wrote|explained|warned)"
_SPEAKER = [re.compile(rf"\b{_VERB}\s+(?P<name>{_NAME})"), re.compile(rf"\baccording to\s+(?P<name>{_NAME})"),
            re.compile(rf"(?P<name>{_NAME}),[^,;]{{3,160}},\s+{_VERB}\b"), re.compile(rf"(?P<name>{_NAME})\s+{_VERB}\b")]
#: words that make a capitalised phrase an institution or a place rather than a person
_NOT_A_PERSON = frozenset("""ministry department party house administration agency center centre institution institute office
    commerce council congress senate committee university school bureau program programme report states united china chinese
    american washington beijing president director secretary government state the this that but and in on for""".split())


def asks_for_speakers(question: str) -> bool:
    """Does a list question ask who is quoted ('Which experts are quoted ...', 'Who is quoted ...')?"""
    return bool(_ASKS_SPEAKERS.search(question))


def speaker_of(sentence: str) -> str:
    """The person a sentence quotes, by its form ('..., said Ryan Hass, director ...' -> 'Ryan Hass'), or ''."""
    for pattern in _SPEAKER:
        for m in pattern.finditer(sentence):
            name = m.group("name")
            if not any(w.lower() in _NOT_A_PERSON for w in re.split(r"[\s-]+", name)):
                return name
    return ""


def quoted_people(ranked: Sequence, passages: Sequence[Passage], most: int = 10) -> list[str]:
    """One cited bullet per person quoted in the sentences read, the first sentence quoting them, in document order
    (a surname alone, 'Luckey said', is the person already named)."""
    seen: set[tuple[str, int]] = set()
    sentences = []
    for s in ranked:
        key = (passages[s.passage - 1].doc_id, s.start)
        if key not in seen:
            seen.add(key)
            sentences.append(s)
    sentences.sort(key=lambda s: (passages[s.passage - 1].doc_id, s.start))
    named: set[str] = set()
    items = []
    for s in sentences:
        name = speaker_of(s.text)
        surname = name.split()[-1] if name else ""
        if name and surname not in named and len(items) < most:
            named.add(surname)
            items.append("- " + cite(s.text, s.passage))
    return items
