"""Yes/no answers of the extractive generator: 'Yes.' or 'No.' only when a cited sentence states the question's claim
(or its reverse), else the evidence quoted.  The verifier's reversal check (negation, 'large' vs 'limited') says
which of the two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.composers import cite, in_document_order, similar
from qa.lexical import STOPWORDS, stems
from qa.sentence_context import term_label
from qa.term_match import literals
from qa.types import Passage

_NEGATION = re.compile(r"\b(not|never|no|none|neither|nor|cannot|without|n't)\b|n't\b", re.I)


def compose_yes_no(question: str, ranked: Sequence, reverses, weight=None, passages: Sequence[Passage] | None = None) -> str:
    """'Yes.' or 'No.' only when a sentence states the question's claim (or its reverse); else the evidence.

    The evidence is the sentence among the best that states most of the claim (its rarer words weigh more: ``weight``
    is a word's rarity), not a command line; a sentence answering a FAQ's question is read with that question ('Git
    doesn't provide a way to do this.' after 'How do I ignore changes to a tracked file?'), and the page's title
    counts for the subject ('THIS COMMAND IS EXPERIMENTAL.' on git-switch's page).  A verdict needs at least 60% of
    the claim's weight and its rarest word said; a list item is read with the line that introduces it ('The
    following are disallowed:').  Without a verdict the best two sentences of one document are quoted."""
    claim = _claim_of(question)
    said = [s for s in ranked[:12] if not _COMMAND_LINE.search(s.text)] or list(ranked[:1])
    top = [s for s in said if s.score >= said[0].score - 0.25]

    def context(s) -> str:
        extra = getattr(s, "context", "")
        if passages is not None:
            p = passages[s.passage - 1]
            extra += " " + (p.title + " " + p.heading).replace("-", " ")  # 'git-switch(1) Manual Page' names git switch
        return extra

    def states(s, titled: bool = False) -> float:  # the page's title counts only for the verdict, not for choosing
        return claim_share(claim, s.text, weight, context(s) if titled else getattr(s, "context", ""))

    def full(s) -> bool:  # 'to switch to the experimental branch.' is a fragment of a wrapped line
        first = (re.findall(r"[A-Za-z]+", s.text[:20]) or [""])[0]
        return not (first.islower() and first in STOPWORDS)

    def on_subject(s) -> bool:  # its passage names what the claim is about (the claim's rarest word)
        return passages is not None and _holds_rarest(claim, passages[s.passage - 1].text + " " + context(s), weight)

    best = max(top, key=lambda s: s.score + states(s) - (0 if full(s) else 0.4) + (0.15 if on_subject(s) else 0))
    lead = _lead_in(best, passages)  # 'The following are disallowed or not performed:' over a list item
    evidence = cite(f"{lead} {best.text}" if lead else best.text, best.passage)
    term = term_label(best, passages) if passages is not None and not lead else ""
    if term:  # 'Apply the patch in reverse.' is what `-R`, `--reverse` does
        evidence = f"{term}: {evidence}"
    item = not lead and re.match(r"^[A-Z][a-z]+ing\b", best.text)  # 'Redirecting output using ...': an item of a list whose lead is not here
    if (full(best) or lead) and not item and states(best, titled=True) >= 0.6 and _holds_rarest(claim, best.text + " " + context(best), weight) \
            and _holds_names(claim, f"{lead} {best.text} {context(best)}"):
        opposite = _denies(claim, best.text, reverses) != bool(lead and _NEGATION.search(lead) and not _NEGATION.search(best.text))
        opposite = opposite or bool(term and without_the_option(claim, term))  # '... without -r?' answered by what -r does
        return ("No. " if opposite else "Yes. ") + evidence
    more = [s for s in top if s is not best and s.passage != best.passage and passages is not None
            and passages[s.passage - 1].doc_id.split("@")[0] == passages[best.passage - 1].doc_id.split("@")[0]
            and s.score >= best.score - 0.15 and similar(s.text, best.text) < 0.6]
    more += [s for s in top if s is not best and s.passage == best.passage and s.score >= best.score - 0.15 and similar(s.text, best.text) < 0.6]
    if more:
        second = max(more, key=lambda s: s.score + 0.5 * states(s) + (0.15 if on_subject(s) else 0))
        return " ".join(_labelled(s, passages) for s in in_document_order([best, second]))
    return evidence


_COMMAND_LINE = re.compile(r"^\s*[$#>]|\n\s*\$ ")  # a command line, or a block holding one


def _denies(claim: str, sentence: str, reverses) -> bool:
    """Does a sentence that states the claim say its opposite: reversed as the verifier judges it, or a negation just
    before one of the claim's words ('Git doesn't provide a way', 'are not sorted')?"""
    sentence = sentence.replace("’", "'")
    if reverses(claim, sentence):
        return True
    if _NEGATION.search(claim):
        return False
    mine = set(stems(claim))
    tokens = re.findall(r"[\w']+", sentence)
    return any(stems(t) and stems(t)[0] in mine and any(_NEGATION.search(w) for w in tokens[max(0, i - 3) : i]) for i, t in enumerate(tokens))


def _lead_in(sentence, passages: Sequence[Passage] | None) -> str:
    """The sentence ending in ':' just before this one in its passage (it introduces the list the sentence is an item
    of), or ''."""
    if passages is None:
        return ""
    p = passages[sentence.passage - 1]
    before = p.text[: max(0, sentence.start - p.start)].rstrip()
    if not before.endswith(":"):
        return ""
    return re.split(r"(?<=[.!?])\s+|\n", before)[-1].strip()


def claim_share(claim: str, sentence: str, weight=None, context: str = "") -> float:
    """Share of the claim's words (weighted by rarity when ``weight`` is given) that the sentence, or its context (the
    page's title, a FAQ question), holds."""
    mine = set(stems(claim))
    if not mine:
        return 0.0
    have = set(stems(sentence + " " + context))
    w = {t: (weight(t) if weight else 1.0) for t in mine}
    return sum(v for t, v in w.items() if t in have) / (sum(w.values()) or 1.0)


def _holds_rarest(claim: str, text: str, weight=None) -> bool:
    """Does the text hold the claim's rarest word (the one that names what is asked about, 'revert' of 'git revert')?"""
    mine = list(dict.fromkeys(stems(claim)))
    if not mine or weight is None:
        return True
    return max(mine, key=weight) in set(stems(text))


def _holds_names(claim: str, text: str) -> bool:
    """Does the text name everyone the claim names ('Did China agree to halve its tariffs?' is not stated by
    'Washington agreed to halve tariffs', whatever words they share)?"""
    have = set(stems(text))
    return all(stems(n) and stems(n)[0] in have for n in re.findall(r"\b[A-Z][a-z]{2,}\b", claim))


def _claim_of(question: str) -> str:
    """'Did Biden and Xi agree to resume cooperation?' -> 'Biden and Xi agree to resume cooperation'."""
    return re.sub(r"^\s*(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|may|might|must)\s+", "", question.strip().rstrip("?"), flags=re.I)


def _labelled(s, passages: Sequence[Passage]) -> str:
    """A quoted sentence, after the option it opens the description of ('`-p`, `--patch`: Interactively choose ...')."""
    term = term_label(s, passages)
    return f"{term}: {cite(s.text, s.passage)}" if term else cite(s.text, s.passage)


def without_the_option(claim: str, term: str) -> bool:
    """Does the claim say it holds without the option the quoted description is of ('Does git rm remove a directory
    recursively without the -r option?' against what `-r` does: it is -r that allows it)?"""
    named = {m.group(1) for m in re.finditer(r"\bwithout\s+(?:the\s+|an?\s+|using\s+|giving\s+)?(?:option\s+)?(\S+)", claim)}
    return bool(literals(" ".join(named)) & literals(term.replace("`", " ")))
