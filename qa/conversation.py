"""Follow-up questions: rewrite "and in 2024?" into a question that stands alone, and check the rewrite.

With a chat model the rewrite comes from prompts/condense.md; without one (or when the model's rewrite fails the
check) a rule does it: the previous question with the follow-up's figures and names put in place of its own.
A rewrite is accepted only if it keeps every content word of the follow-up and adds nothing that is in neither
the follow-up nor the conversation, so a bad rewrite cannot silently send retrieval to the wrong sources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.lexical import STOPWORDS, stems, words

History = Sequence[tuple[str, str]]
_ELLIPTIC = re.compile(r"^\s*(and|but|or|what about|how about|also|then|so)\b|\b(it|its|they|them|their|that|this|those|these|he|she|his|her)\b", re.I)
_OWN_QUESTION = re.compile(r"^\s*(what|why|how|who|whom|whose|when|where|which|did|does|do|is|are|was|were|can|could)\b", re.I)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def needs_context(question: str, history: History) -> bool:
    """A follow-up that leans on the conversation: a pronoun, an opening 'and …', or too few words of its own."""
    if not history:
        return False
    if _ELLIPTIC.search(question):
        return True
    names = re.findall(r"(?<!^)(?<![.?!] )\b[A-Z][\w-]+", question.strip())
    return len(stems(question)) < 3 and not names


def rule_rewrite(question: str, history: History) -> str:
    """The last user question with the follow-up's years swapped in and its other words added; a follow-up that
    asks something of its own ("Why did they?") is kept in front of it."""
    previous = history[-1][0].strip().rstrip("?")
    new_years = _YEAR.findall(question)
    rewritten = previous
    if new_years and _YEAR.search(previous):
        for old, new in zip(_YEAR.findall(previous), new_years):
            rewritten = rewritten.replace(old, new, 1)
    if _OWN_QUESTION.match(question) and not re.match(r"\s*(what|how) about\b", question, re.I):
        return f"{question.strip().rstrip('?')}: {rewritten}?"
    extra = [w for w in _own_words(question) if w.lower() not in rewritten.lower()]
    return (rewritten + (" " + " ".join(extra) if extra else "")).strip() + "?"


def _own_words(question: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’,.%-]+", question) if w.lower().strip(".,") not in STOPWORDS and w.lower() not in ("and", "about", "also", "then", "so")]


def rewrite_is_sound(rewrite: str, question: str, history: History) -> bool:
    """Keeps the follow-up's content words, and adds none that the conversation does not contain."""
    mine, theirs = set(stems(rewrite)), set(stems(question))
    if not rewrite.strip() or not theirs <= mine:
        return False
    known = theirs | {s for user, assistant in history for s in stems(user + " " + assistant)}
    return mine <= known


def standalone_question(question: str, history: History | None, model: Callable[[str], str] | None = None) -> str:
    """The question to retrieve with: unchanged when it stands alone, else a checked rewrite."""
    if not history or not needs_context(question, history):
        return question
    if model is not None:
        from qa.prompts import render

        convo = "\n".join(f"User: {u}\nAssistant: {_brief(a)}" for u, a in history[-3:])
        try:
            candidate = model(render("condense", history=convo, question=question)).splitlines()[0].strip()
        except Exception:  # the model is down: the rule still works
            candidate = ""
        if rewrite_is_sound(candidate, question, history):
            return candidate
    return rule_rewrite(question, history)


def _brief(answer: str, limit: int = 300) -> str:
    answer = re.sub(r"\s*\[\d+\]", "", answer)
    return answer if len(answer) <= limit else answer[:limit].rsplit(" ", 1)[0] + " …"
