"""A question that names a manual's term: the description under that term answers it.

'What does git clean -n do?' names the option '-n'; git-clean's OPTIONS list it as the terms '-n' / '--dry-run'
above 'Don't actually remove anything, just show what would be done.'  That sentence shares no word with the
question, so meaning and word overlap rank it low; the term is what says it answers.  The same holds for a term
whose words the question uses ('set the upstream' and '--set-upstream', 'clean.requireForce').

Pure functions over a scored sentence and the passages read (qa.compose_structured finds the terms).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.compose_structured import terms_before
from qa.lexical import stems
from qa.types import Passage

# '-n', '--dry-run', '--set-upstream', '-M90%' (not a word's hyphen: 'non-login'), 'clean.requireForce', '${name[@]}'
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
_VARIABLE = re.compile(r"(?<![\w.])([a-z][\w-]*\.[A-Za-z][\w.<>-]*[A-Za-z>])(?![\w])")
NAMED = 1.0  # the term is a literal the question names ("-n"): its description answers first, whatever its words (a sentence merely mentioning "-n" holds more of them)
WORDED = 0.12  # the term's words are all in the question ('--set-upstream' for 'set the upstream branch')


def literals(text: str) -> set[str]:
    """The options and configuration variables a text names, as written ('-n', '--amend', 'clean.requireForce')."""
    return {m.group(1) for m in _OPTION.finditer(text)} | {m.group(1).lower() for m in _VARIABLE.finditer(text)}


def term_literals(terms: Sequence[str]) -> set[str]:
    """The literals of definition-list terms ('-n', '--dry-run'; '--set-upstream' from '-u, --set-upstream';
    '--depth' from '--depth <depth>'; a configuration variable's name), without their arguments."""
    out: set[str] = set()
    for term in terms:
        for piece in re.split(r",\s*|\s+", term):
            piece = re.split(r"[=\[<]", piece, maxsplit=1)[0]
            out |= literals(piece)
    return out


def term_fit(question: str, s, passages: Sequence[Passage]) -> float:
    """How much the term a sentence describes says it answers the question: NAMED when the question names one of
    its literals, WORDED when every word of a term of two words or more is in the question, else 0; only for the
    sentence that opens the description (the one under the term)."""
    terms = terms_before(passages, s.passage, s.start)
    if not terms:
        return 0.0
    asked = literals(question)
    if asked and asked & term_literals(terms):
        return NAMED
    q = set(stems(question))
    for term in (piece for t in terms for piece in re.split(r",\s*", t)):
        words = set(stems(re.sub(r"[-_.]", " ", re.split(r"[=\[<]", term, maxsplit=1)[0])))
        if len(words) >= 2 and words <= q:
            return WORDED
    return 0.0
