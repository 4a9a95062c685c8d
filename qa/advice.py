"""Where a source gives its advice: the sentences that recommend, urge or warn, and how plainly they do.

A manual or an article advises in a few ways: with a modal ('you should', 'shouldn't be used', 'must'), a verb of
advice ('we recommend', 'suggests', 'is not recommended'), a judgement ('it's better to', 'the only safe place',
'it can often be helpful to', 'the right thing'), or an imperative ('Just admit you screwed up, and use a different
name.', 'If you don't want to fetch, use ...', 'Do not use alias in compound commands').  Weaker cues ('could',
'need to', 'instead') count for less: they often describe rather than advise.
"""

from __future__ import annotations

import re

#: Verbs a manual or an article gives an instruction with, when they open a sentence (or follow 'If ...,').
IMPERATIVE_VERBS = ("use", "avoid", "do", "don't", "never", "always", "make", "keep", "admit", "consider", "try", "prefer", "run",
                    "set", "put", "delete", "remove", "check", "be", "add", "create", "write", "specify", "choose", "pick", "stop",
                    "start", "turn", "switch", "commit", "push", "fetch", "pull", "rebase", "merge", "install", "enable", "disable",
                    "configure", "ask", "tell", "read", "replace", "rename", "edit", "call", "contact", "report", "store", "save")
_ADVERB = r"(?:just|simply|always|never|please|instead|rather|first|then|so|now)"
_IMPERATIVE = re.compile(rf"^\s*(?:{_ADVERB}[,]?\s+)*(?:{'|'.join(re.escape(v) for v in IMPERATIVE_VERBS)})\b(?!-)", re.I)
_CONDITIONAL_IMPERATIVE = re.compile(rf"^\s*(?:if|when|unless|to|for|once|before|after)\b[^,;]{{3,120}},\s*(?:{_ADVERB}\s+)*"
                                     rf"(?:{'|'.join(re.escape(v) for v in IMPERATIVE_VERBS)})\b(?!-)", re.I)
_STRONG = re.compile(r"\b(should(?:n['’]t| not)?|must(?:n['’]t| not)?|ought to|had better|recommend\w*|advis\w+|urge[sd]?|suggest\w*|"
                     r"encourage[sd]?|discourage[sd]?|warn\w*|prefer(?:red|able|s)?|better|best|safest|only safe|right thing|sane thing|"
                     r"good idea|bad idea|wise|unwise|(?:is|are|be) (?:often |usually )?(?:helpful|useful|advisable|preferred|fine|safe)|"
                     r"not (?:particularly )?(?:secure|safe|recommended|effective)|calls? for|insists?|it is imperative|make sure|be sure)\b", re.I)
_WEAK = re.compile(r"\b(could|can (?:also )?(?:use|try)|need(?:s|ed)? to|instead|wants?|would (?:rather|prefer)|it is possible to)\b", re.I)


_URGING = re.compile(r"^\s*(?:(?:just|simply|always|never|please)\b|do not\b|don['’]t\b|avoid\b|make sure\b|be sure\b|consider\b|prefer\b)", re.I)
_READER = re.compile(r"\b(you|your|yourself)\b", re.I)


def is_imperative(sentence: str) -> bool:
    """Does the sentence give an instruction: it opens with a verb of instruction ('Just admit ...', 'Use ...', 'Do
    not ...'), or does after a condition ('If you don't want to fetch, use ...')?"""
    return bool(_IMPERATIVE.match(sentence) or _CONDITIONAL_IMPERATIVE.match(sentence))


def urges(sentence: str) -> bool:
    """Is the instruction addressed to the reader ('Just admit you screwed up, ...', 'Never ...', 'If you ..., use
    ...'), not a manual's description of what an option does in the imperative ('Save your local modifications to a
    new stash entry' under 'push' is one too, but 'Delete existing tags with the given names.' is not)?"""
    return is_imperative(sentence) and bool(_URGING.match(sentence) or _READER.search(sentence))


def advice_strength(sentence: str) -> float:
    """How plainly a sentence advises: 1.0 for a modal of advice, a verb of advice, a judgement or an instruction to
    the reader; 0.5 for a weaker cue ('could', 'need to', 'instead') or an instruction that may only describe
    ('Replace an existing tag with the given name'); 0.0 for none."""
    if _STRONG.search(sentence) or urges(sentence):
        return 1.0
    return 0.5 if _WEAK.search(sentence) or is_imperative(sentence) else 0.0
