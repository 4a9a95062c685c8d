"""Which question kinds a language model writes the answer for, and how much it may write for each.

The ``local`` generator (Qwen2.5-Coder-1.5B on 2 cores) was measured kind by kind against the checked extractive
answer of the same questions (docs/evaluation.md, "Session 7: the local model, kind by kind"). Where it did not
make answers better, or made them worse, it is not asked: the checked extractive answer is the answer, at once,
and the model's 20 s to 2 min are not spent. Which kinds it writes is the setting ``local_llm_kinds``
(``QA_LOCAL_LLM_KINDS``: kinds separated by commas, ``all`` or ``none``). The ``openai`` generator (any endpoint,
usually a far larger model) writes every kind unless ``QA_OPENAI_LLM_KINDS`` says otherwise. ``followup`` in the
list means that the model rewrites follow-up questions (prompts/condense.md); without it the rule rewrite of
qa.conversation does, at once (the local model took 10-40 s to rewrite, before the first answer could be shown,
and its rewrites retrieved no better).

Each kind also has a budget: the most tokens its answer needs, and where a one-paragraph answer ends (a blank line:
what follows is commentary the checks would drop anyway). Shorter budgets bound the slow cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.question_kinds import KINDS


@dataclass(frozen=True)
class KindBudget:
    """How much a model may write for one kind of question."""

    max_tokens: int  # longest answer, in tokens (also capped by the setting llm_max_tokens)
    stop: tuple[str, ...] = ()  # strings that end the answer (one-paragraph kinds stop at a blank line)


FOLLOWUP = "followup"  # not a kind of answer: rewriting a follow-up into a question that stands alone
CHOICES = (*KINDS, FOLLOWUP)
ONE_PARAGRAPH = ("\n\n",)

# Sized from the answers the model wrote on the development set: a look-up or a yes/no answer is one or two
# sentences (20-60 tokens), an explanation or an opinion up to three; lists, summaries and how-tos run to 10 lines.
BUDGETS: dict[str, KindBudget] = {
    "lookup": KindBudget(96, ONE_PARAGRAPH),
    "yes_no": KindBudget(96, ONE_PARAGRAPH),
    "explanation": KindBudget(128, ONE_PARAGRAPH),
    "opinion": KindBudget(128, ONE_PARAGRAPH),
    "multi_step": KindBudget(160),
    "comparison": KindBudget(200),
    "list": KindBudget(320),
    "summary": KindBudget(320),
    "howto": KindBudget(320),
}
DEFAULT_BUDGET = KindBudget(200)

# What the measurements support for the packaged local model: no kind. On look-ups it won as many questions as it
# lost (2 and 2 of 9) and stated a false figure with a citation the check passed in 3 of 9 ("126" for a command not
# found, "soft" as git reset's default mode, 2024's death toll for 2022's); on opinions it won none of 8 and put
# one person's words in another's mouth; on the other kinds it copied the extractive answer or made it worse
# (summaries, how-tos and comparisons lost key points). QA_LOCAL_LLM_KINDS=lookup turns it on where it did win.
LOCAL_MODEL_KINDS: tuple[str, ...] = ()


def parse_kinds(value: str, setting: str) -> frozenset[str]:
    """The kinds a setting names: 'lookup,opinion', 'all' or 'none' (or ''); a clear error for an unknown kind."""
    text = value.strip().lower()
    if text == "all":
        return frozenset(CHOICES)
    if text in ("", "none"):
        return frozenset()
    kinds = [k.strip() for k in text.replace(";", ",").split(",") if k.strip()]
    unknown = [k for k in kinds if k not in CHOICES]
    if unknown:
        raise ValueError(f"{setting}: unknown question kind(s) {', '.join(map(repr, unknown))}; use kinds among "
                         f"{', '.join(CHOICES)}, separated by commas, or 'all' or 'none'.")
    return frozenset(kinds)


def budget(kind: str, max_tokens: int | None = None) -> KindBudget:
    """The budget for a kind, its token limit capped at ``max_tokens`` when given."""
    found = BUDGETS.get(kind, DEFAULT_BUDGET)
    if max_tokens is not None and found.max_tokens > max_tokens:
        return KindBudget(max_tokens, found.stop)
    return found
