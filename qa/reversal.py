"""Does a claim say the opposite of the sentence it cites?  A negation on one side only ('China has no large opioid
problem'), or a word whose antonym the sentence uses ('large' for 'limited', 'increase' for 'fell'), unless a
negation near it turns it back.  Used by the verifier and by the yes/no composer.
"""

from __future__ import annotations

import re

from qa.lexical import stems

_NEGATION = re.compile(r"\b(not|never|no|none|neither|nor|cannot|without|n't|refused?|denied|denies|failed to)\b|n't\b", re.I)
#: Pairs of words that reverse a statement ("a large problem" / "a limited problem"), as stems.
ANTONYMS = [("large", "limited"), ("large", "small"), ("big", "small"), ("increase", "decrease"), ("increase", "fall"), ("increase", "decline"),
            ("increase", "drop"), ("rise", "fall"), ("rise", "decline"), ("rise", "drop"), ("rose", "fell"), ("grow", "shrink"), ("higher", "lower"),
            ("more", "less"), ("more", "fewer"), ("major", "minor"), ("strong", "weak"), ("gain", "loss"), ("success", "failure"),
            ("agree", "refuse"), ("accept", "reject"), ("allow", "ban"), ("allow", "forbid"), ("legal", "illegal"), ("easy", "difficult"),
            ("easy", "hard"), ("true", "false"), ("before", "after"), ("increase", "plummet"), ("rise", "plummet"), ("surge", "plummet"),
            ("expand", "restrict"), ("rose", "plummet"), ("rose", "drop"), ("rose", "decline"), ("rose", "fall"), ("climb", "fall"), ("soar", "plummet"), ("lift", "impose"), ("win", "lose"), ("support", "oppose"), ("safe", "dangerous"), ("always", "never")]


_IRREGULAR = {"fall": ("fell", "fallen"), "rise": ("rose", "risen"), "grow": ("grew", "grown"), "win": ("won",), "lose": ("lost",),
              "shrink": ("shrank", "shrunk")}


def _stem_pairs() -> list[tuple[str, str]]:
    pairs = []
    for a, b in ANTONYMS:
        for x in (a, *_IRREGULAR.get(a, ())):
            for y in (b, *_IRREGULAR.get(b, ())):
                sa, sb = stems(x), stems(y)
                if sa and sb:
                    pairs += [(sa[0], sb[0]), (sb[0], sa[0])]
    return pairs


_PAIRS: list[tuple[str, str]] = []


def reverses(claim: str, sentence: str) -> bool:
    """Does the claim say the opposite of the sentence?  One of them negates where the other does not, or the claim
    uses a word whose antonym the sentence uses instead ('large' for 'limited', 'increase' for 'fall'), but not both
    ('did not rise' against 'fell' agrees).  Only judged when they share most of the claim's words."""
    if not _PAIRS:
        _PAIRS.extend(_stem_pairs())
    mine, theirs = set(stems(claim)), set(stems(sentence))
    flips = [b for a, b in _PAIRS if a in mine and b in theirs and a not in theirs and b not in mine]
    if flips:  # an antonym: reversed unless a negation near it turns it back ('not limited'), or the claim negates too
        near = any(_negated_near(sentence, b) for b in flips)
        return bool(_NEGATION.search(claim)) == near
    negated = bool(_NEGATION.search(claim)) != bool(_NEGATION.search(sentence))
    return negated and word_share(claim, sentence) >= 0.5  # a 'not' elsewhere in a long sentence says nothing of the claim


def _negated_near(sentence: str, stem: str, window: int = 4) -> bool:
    """Is there a negation among the few words before the word whose stem is ``stem``?"""
    tokens = re.findall(r"[\w'’]+", sentence)
    for i, t in enumerate(tokens):
        if stems(t) and stems(t)[0] == stem:
            if any(_NEGATION.search(w) for w in tokens[max(0, i - window) : i]):
                return True
    return False


def word_share(claim: str, sentence: str) -> float:
    mine = set(stems(claim))
    return len(mine & set(stems(sentence))) / len(mine) if mine else 0.0
