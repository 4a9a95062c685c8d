"""Who speaks in a sentence, and for whom: a comparison of views ('How do China's and the US's views differ?') sets
each sentence under the side that speaks it ('American policymakers argue ...' is the US's view, though it names
China), qa.compose_reasoning."""

from __future__ import annotations

import re

from qa.question_parts import Side

SPEAKER = 0.12  # a view: fit gained when the sentence's speaker is the side (lost when it is the other side)
_SPEECH = re.compile(r"\b(said|says|say|argues?|argued|accus\w+|believes?|warns?|warned|insists?|claims?|pointed the finger|blames?|blamed|"
                     r"maintains?|contends?|told|wrote)\b", re.I)
# a country's people, capital and government speak for it ('American policymakers', 'Beijing', 'Chinese officials')
_DEMONYMS = {"us": ("american", "americans", "america", "washington", "u.s", "united states", "white house"),
             "usa": ("american", "americans", "america", "washington", "united states"),
             "china": ("chinese", "beijing", "prc", "people's republic"), "india": ("indian", "new delhi"),
             "mexico": ("mexican", "mexico city"), "canada": ("canadian", "ottawa"), "russia": ("russian", "moscow"),
             "uk": ("british", "london"), "britain": ("british", "london"), "japan": ("japanese", "tokyo")}


def speaker_of(sentence: str) -> str:
    """Who speaks in a sentence: the words before its speech verb ('American policymakers argue ...' -> 'American
    policymakers'), or a view's owner ('In Beijing's view, ...' -> 'Beijing'); '' when it reports no one."""
    m = re.match(r"^\s*in ([\w.' ]{2,40}?)['’]s? (?:view|opinion|eyes)\b", sentence, re.I)
    if m:
        return m.group(1)
    m = _SPEECH.search(sentence)
    if not m:
        return ""
    before = re.split(r"[,;:\"“”]", sentence[: m.start()])[-1]  # '..., Chinese officials have repeatedly said' -> 'Chinese officials have repeatedly'
    if not re.search(r"[A-Za-z]", before):  # "'... going forward,' said Ryan Hass, director of ..." -> 'Ryan Hass'
        return " ".join(re.split(r"[,;:.\"“”]", sentence[m.end():])[0].split()[:6])
    return " ".join(before.split()[-6:])


def quotes_person(person: str, sentences) -> bool:
    """Does one of the sentences report the person speaking ('..., said Ryan Hass, director ...')?"""
    from qa.lexical import stems

    mine = set(stems(person))
    return bool(mine) and any(mine <= set(stems(speaker_of(s))) for s in sentences)


def speaks_for(side: Side, speaker: str) -> bool:
    """Is the speaker the side, or its people, capital or government?"""
    low = speaker.lower()
    return side.named_in(speaker) or any(re.search(rf"(?<![\w.]){re.escape(d)}(?![\w])", low) for w in side.words for d in _DEMONYMS.get(w, ()))
