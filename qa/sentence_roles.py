"""What a sentence of a manual is to a thing asked about: a definition (the first sentence under a term naming it,
'apply [--index] [<stash>]' / 'Like pop, but do not remove the state ...', or the first of its own page's
DESCRIPTION), a sentence about its opposite ('a non-interactive shell' for interactive shells), and the
cross-encoder as a judge of which sentence answers.  Used by qa.compose_reasoning for comparisons and multi-step
questions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.lexical import stems
from qa.question_parts import Side
from qa.types import Passage

DESCRIPTION_HEADING = re.compile(r"^\s*(description|overview|introduction|about|name|summary)\s*$", re.I)

Judge = Callable[[str, Sequence[str]], Sequence[float]]  # (question, sentences) -> how well each answers it (cross-encoder logits)


def term_before(s, passages: Sequence[Passage]) -> str:
    """The term a sentence's paragraph defines, when a short line without a full stop comes right before that
    paragraph (a manual's 'pop [--index] [<stash>]' above 'Remove a single stashed state ... Like pop, ...'); ''
    otherwise."""
    p = passages[s.passage - 1]
    before = p.text[: max(0, s.start - p.start)]
    cut = before.rfind("\n\n")
    if cut < 0:
        return ""
    line = before[:cut].rstrip().rsplit("\n", 1)[-1].strip()
    heading = line.isupper() or re.match(r"^\d+(\.\d+)*\.?\s+[A-Z]", line)  # 'DESCRIPTION', '6.8 The Directory Stack': headings, not terms
    return line if 0 < len(line) <= 80 and not re.search(r"[.!?:]$", line) and not heading else ""


def negates_side(text: str, side: Side) -> bool:
    """Does the text speak of the opposite of a word naming the side, and never of the word itself ('a
    non-interactive shell', 'a shell that is not a login shell' for interactive login shells)?"""
    plain = re.sub(r"\bnot (?:a|an) ([\w-]+)", r"non-\1", text, flags=re.I)
    for word in side.label.split():
        if len(word) > 3 and word.isalpha() and re.search(rf"\bnon-?{word}", plain, re.I) and not re.search(rf"(?<!non-)(?<!non)\b{word}", plain, re.I):
            return True
    return False


def contradicts(part: str, text: str) -> bool:
    """Does the text speak of the opposite of what the part asks about: 'non-login' asked, 'login shell' (and never
    'non-login') said; 'interactive' asked, only 'non-interactive' said?"""
    def plain(t: str) -> str:
        return re.sub(r"\bnot (?:a|an) ([\w-]+)", r"non-\1", t, flags=re.I).lower()
    asked, said = plain(part), plain(text)
    for word in set(re.findall(r"\bnon-?([a-z]{4,})", asked)):
        if re.search(rf"(?<!non-)(?<!non)\b{word}", said) and not re.search(rf"\bnon-?{word}", said):
            return True
    for word in set(re.findall(r"(?<!non-)(?<!non)\b([a-z]{4,})", asked)):
        if re.search(rf"\bnon-?{word}", said) and not re.search(rf"(?<!non-)(?<!non)\b{word}", said):
            return True
    return False


def opens_paragraph(s, passages: Sequence[Passage]) -> bool:
    """Is the sentence the first of its paragraph (nothing but blank space between the paragraph break and it)?"""
    p = passages[s.passage - 1]
    before = p.text[: max(0, s.start - p.start)]
    cut = before.rfind("\n\n")
    return cut >= 0 and not before[cut:].strip() or cut < 0 and not before.strip()


def term_names(term: str, side: Side) -> bool:
    """Does a manual's term define this side: it begins with the side's name ('git reset [<mode>] [<commit>]' for git
    reset) or its first word is the side's own word ('apply [--index] [<stash>]' for git stash apply, 'while
    test-commands; do ...' for while loops)?  'revert.reference' (a setting) defines nothing of git revert."""
    t = term.strip().lower()
    label = side.label.lower()
    if t == label or t.startswith(label + " ") and _synopsis(t[len(label):]):
        return True
    first, _, rest = t.partition(" ")
    return any(first == w.lower() for w in side.tokens) and _synopsis(rest)


def _synopsis(rest: str) -> bool:
    """Is what follows a command's name in a term its synopsis ('[--index] [<stash>]', 'test-commands; do ...'), not
    more words of a name ('merge backend', 'merge strategies')?"""
    return not rest.strip() or bool(re.search(r"[\[\]<>|;{}=]|(?<!\w)-|\w-\w", rest))


def defines(s, side: Side, passages: Sequence[Passage]) -> bool:
    """Is the sentence a manual's definition of the side: the first of the paragraph under a term naming it (not an
    example's: 'git revert HEAD~3' under EXAMPLES shows a use, it defines nothing)?"""
    if not side.distinct or re.search(r"\bexamples?\b", passages[s.passage - 1].heading.rsplit(" › ", 1)[-1], re.I):
        return False
    if opens_description(s, side, passages):
        return True
    term = term_before(s, passages)
    continues = s.text.lstrip()[:1].islower()  # 'git reset --option target' / 'to reset the HEAD ...': a command shown inside a sentence
    return bool(term) and not continues and (term_names(term, side) or heads(term, side)) and opens_paragraph(s, passages)


def opens_description(s, side: Side, passages: Sequence[Passage]) -> bool:
    """Is the sentence the first of the DESCRIPTION of the thing's own page ('Switch to a specified branch.' on
    git-switch(1))?"""
    p = passages[s.passage - 1]
    heading = p.heading.rsplit(" › ", 1)[-1].strip()
    before = p.text[: max(0, s.start - p.start)].strip()
    return bool(DESCRIPTION_HEADING.search(heading)) and before in ("", heading) and bool(side.words) and set(stems(re.sub(r"[-_.()]", " ", side.label))) <= set(stems(re.sub(r"[-_.()]", " ", p.title)))


def heads(term: str, side: Side) -> bool:
    """Is a heading or term about the side: it holds every word of the side's name, and not their opposite ('Invoked as an
    interactive login shell, or with --login' for login interactive shells, not 'Invoked as an interactive non-login shell')?"""
    words = set(stems(side.label))
    prose = not re.search(r"[\[\]<>$|;{}]", term)  # a heading in words, not a command line ('$ git bisect reset <commit>')
    return prose and len(words) >= 2 and words <= set(stems(term)) and not negates_side(term, side)


def with_term(s, passages: Sequence[Passage]) -> str:
    """The sentence as the judge reads it: after the term it defines ('dirs [-clpv]: Display ...'), not after a
    command line of an example ('$ git bisect reset  # quit ...')."""
    term = term_before(s, passages) if passages else ""
    return f"{term}: {s.text}" if term and not re.match(r"^[$#>%]", term) else s.text


def cross_encoder_judge() -> Judge | None:
    """The cross-encoder's logits (qa.reranking) as a judge of sentences; None when its model is not installed."""
    try:
        from qa.reranking import get_cross_encoder

        return get_cross_encoder().logits
    except Exception:  # noqa: BLE001 - no model parts: the word rules decide alone
        return None


def plain_text(text: str) -> str:
    return " ".join(text.lower().split())
