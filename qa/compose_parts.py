"""Multi-step answers: each part of the question answered by its own sentence, in the question's order, then the
arithmetic when the question asks for a total or a difference ('In all: 13 + 4 = 17 [1][2].').

The parts are found from the question's words (qa.question_parts); the extractive generator scores every sentence
read against each part before calling ``compose_parts``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.compose_reasoning import _answers, _useless, cite, with_antecedent
from qa.composers import figure_text, new_figures
from qa.formulas import amounts
from qa.lexical import format_figure, stems
from qa.question_parts import question_parts
from qa.sentence_roles import Judge, contradicts, plain_text, term_before, with_term
from qa.types import Passage
from qa.verification import units_agree

_MONTHS = {m[:3].lower(): m for m in ("January February March April May June July August September October November December").split()}


PART_JUDGED = 5  # the best sentences of each part that the judge reads
PART_JUDGE_WEIGHT = 0.06  # fit gained per cross-encoder logit (within -8..8) for a part: which sentence answers it
ASKS_FIGURE = re.compile(r"\b(how (many|much)|(which|what) (exit |return )?(codes?|status(es)?|values?|numbers?|amounts?|figures?)\b)", re.I)
PART_CONTRAST = 0.5  # fit gained per unit of score a sentence has for this part above its score for another part
PART_ANSWERS = 6.0  # a logit from which a sentence answers a part even when its words score a little below the floor


def compose_parts(question: str, parts: Sequence[str], scored: Sequence[Sequence], floor: float, passages: Sequence[Passage] = (),
                  judge: Judge | None = None) -> str:
    """One cited sentence per part of the question (a sentence already given is not repeated), in the question's
    order; then, when each part gave one figure of the same unit and the question asks for a total or a difference,
    the arithmetic line citing both ('In all: 13 + 4 = 17 [1][2].').  ``judge`` (the cross-encoder) reads each
    part's best few sentences, under their terms ('dirs [-clpv]: Display the list of ...'), and says which answers it;
    a sentence about the opposite of what the part asks ('non-login' asked, a login shell's file said) weighs less."""
    chosen, pools = [], []  # each answered part's sentence, and the sentences it was chosen from (best first)
    examples = {i: found for i, part in enumerate(parts) if (found := shown_example(part, passages))}
    anchors = {n for n, _ in examples.values()}  # the passages showing an example: the other parts' sentences there are on topic
    by_part = [{(s.passage, s.start): s.score for s in ranked} for ranked in scored]
    for i, (part, ranked) in enumerate(zip(parts, scored)):
        if i in examples:  # 'What does echo a{d,c,b}e print?': the documents' own example shows it
            continue
        months = _months(part)
        others = [m for j, m in enumerate(by_part) if j != i]
        def fit(s, months=months, part=part, others=others):
            f = s.score - (0.3 if _useless(s.text) else 0.0)
            rival = max((m.get((s.passage, s.start), s.score) for m in others), default=s.score)
            f += PART_CONTRAST * (s.score - rival)  # 'more than one branch' fits 'several branches' better than 'one branch'
            if months:  # 'in August': a sentence about another month is another fact
                said = _months(s.text)
                f += 0.1 if said & months else (-0.15 if said else 0.0)
            return f
        taken = {plain_text(c.text) for c in chosen}
        def ruled(s, part=part):
            term = term_before(s, passages) if passages else ""
            return fit(s) - (0.2 if contradicts(part, f"{term}: {s.text}") else 0.0)  # 'non-login' asked, a login shell's file said
        pool = [s for s in sorted(_answers(ranked), key=lambda s: -ruled(s)) if plain_text(s.text) not in taken]
        if ASKS_FIGURE.search(part) and any(gives_figure(part, s.text) for s in pool[:PART_JUDGED]):
            pool = [s for s in pool if gives_figure(part, s.text)]  # 'which exit codes ...?': a sentence giving none does not answer
        logit = {}
        if judge is not None and pool:
            head = list({plain_text(s.text): s for s in reversed(pool[:PART_JUDGED * 2])}.values())[::-1][:PART_JUDGED]
            logit = {id(s): x for s, x in zip(head, judge(part, [with_term(s, passages) for s in head]))}
            pool = sorted(head, key=lambda s: -(ruled(s) + PART_JUDGE_WEIGHT * max(-8.0, min(8.0, logit[id(s)])))) + pool
        pick = pool[0] if pool else None
        if pick is not None and pick.score < floor and anchors:  # near an example asked about: its passage's own sentence
            pick = next((s for s in pool[:PART_JUDGED] if s.passage in anchors), pick)
        if pick is not None and (pick.score >= floor or (logit.get(id(pick), float("-inf")) >= PART_ANSWERS or pick.passage in anchors) and pick.score >= floor - 0.15):
            chosen.append(pick)
            pools.append(pool)
    chosen = one_source(chosen, pools, passages, floor)
    if not chosen:
        return "\n".join(example_block(*examples[i]) for i in sorted(examples))
    said = with_antecedent(chosen, scored[0], passages, terms_shown=True)  # a sentence under a term is labelled with it below
    terms = [term_before(s, passages) if passages else "" for s in said]
    terms = [t if not re.match(r"^[$#>%]\s", t) else "" for t in terms]  # an example's command line ('$ git bisect reset  # quit') names no term
    if any(terms):  # a manual's definitions: each under the term it defines ('- “--ignore-rev <rev>”: Ignore changes ...')
        lines = [(f"- “{t.replace('“', chr(39)).replace('”', chr(39))}”: " if t else "- ") + cite(s.text, s.passage) for s, t in zip(said, terms)]
    else:
        lines = [" ".join(cite(s.text, s.passage) for s in said)]
    if len(chosen) == 2:
        line = arithmetic(question, chosen[0], chosen[1])
        if line:
            lines.append(line)
    if examples:  # the example where its part is asked: before the sentences when it answers the first part
        blocks = [example_block(*examples[i]) for i in sorted(examples)]
        lines = blocks + lines if 0 in examples else lines + blocks
    return "\n".join(lines)


_SHOWS = re.compile(r"^\s*what (?:does|do|will|would|did)\s+(?P<code>.+?)\s+(?:print|output|show|display|produce|expand to|expand into|return|give|write)\b", re.I)
_PROMPT = re.compile(r"^\s*(?:[\w.-]*[$#%>])\s")  # 'bash$ ', '$ ', '# ': a command line of an example
EXAMPLE_LINES = 6  # at most this many lines of an example are quoted: the command and what it prints


def shown_example(part: str, passages: Sequence[Passage]) -> tuple[int, str] | None:
    """(passage number, lines) of a code example in the passages that runs the command the part asks about ('What
    does echo a{d,c,b}e print?' -> 'bash$ echo a{d,c,b}e' and the line it prints); None when no example holds the
    command as written."""
    m = _SHOWS.match(part)
    if not m:
        return None
    code = m.group("code").strip(" `'\"“”")
    if len(code) < 3 or not re.search(r"[{}\[\]$|<>=/\\*-]", code):  # a command as written, not a thing's name
        return None
    for n, p in enumerate(passages, start=1):
        for start, end in p.code_spans or ():
            block = p.text[max(0, start - p.start): end - p.start].splitlines()
            at = next((i for i, line in enumerate(block) if code in line), None)
            if at is None:
                continue
            stop = next((j for j in range(at + 1, len(block)) if _PROMPT.match(block[j])), len(block))
            lines = block[at: min(stop, at + EXAMPLE_LINES)]
            if len(lines) >= 2:  # the command and what it prints
                return n, "\n".join(lines)
    return None


def shows_asked_example(question: str, passages: Sequence[Passage]) -> bool:
    """Does a part of the question ask what a command prints, and an example in the passages run it?"""
    return any(shown_example(part, passages) for part in question_parts(question) or [question])


def example_block(n: int, lines: str) -> str:
    return f"```\n{lines}\n```\n[{n}]"


SAME_SOURCE = 0.02  # a part's sentence from the document answering the other parts may score this much less than its pick


def one_source(chosen: list, pools: Sequence[Sequence], passages: Sequence[Passage], floor: float) -> list:
    """The parts answered from one document where it can: a part's sentence from a document no other part's comes
    from is replaced by the best of its candidates from a document another part's comes from, when that one scores
    about as well (a FAQ's general 'By default, Git uses ort' against the merge manual's 'This is the default merge
    strategy when merging one branch', where the manual answers the other part)."""
    if not passages or len(chosen) < 2:
        return chosen
    doc = lambda s: passages[s.passage - 1].doc_id
    out = list(chosen)
    for i, pick in enumerate(chosen):
        others = {doc(c) for j, c in enumerate(out) if j != i}
        if doc(pick) in others:
            continue
        said = {plain_text(c.text) for j, c in enumerate(out) if j != i}
        out[i] = next((s for s in pools[i] if doc(s) in others and s.score >= max(floor, pick.score - SAME_SOURCE)
                       and plain_text(s.text) not in said), pick)
    return out


def gives_figure(part: str, sentence: str) -> bool:
    """Does the sentence give a count the part does not name (digits or a number word from two, not a version such
    as 'v2.5', a year, nor a day after a month)?"""
    return bool(amounts(sentence, part))


_LESS = re.compile(r"\b(how many more|how much more|how many fewer|how much (higher|lower|larger|smaller|less)|difference|by how (many|much))\b", re.I)
_TOTAL = re.compile(r"\b(in all|total|together|combined|altogether|sum|add)", re.I)


def arithmetic(question: str, a, b) -> str:
    """'In all: x + y = z [a][b].' or 'The difference: x - y = z [a][b].' when the question asks for it and each
    sentence gives one figure of the same unit (the word after it); '' otherwise."""
    fa, fb = asked_figures(question, a.text), asked_figures(question, b.text)
    if len(fa) != 1 or len(fb) != 1:
        return ""
    x, y = fa[0], fb[0]
    if not units_agree(a.text, figure_text(a.text, x), b.text, figure_text(b.text, y)):
        return ""
    marks = f"[{a.passage}]" + (f"[{b.passage}]" if b.passage != a.passage else "")
    if _LESS.search(question):
        return f"The difference: {format_figure(max(x, y))} - {format_figure(min(x, y))} = {format_figure(abs(x - y))} {marks}."
    if _TOTAL.search(question):
        return f"In all: {format_figure(x)} + {format_figure(y)} = {format_figure(x + y)} {marks}."
    return ""


def asked_figures(question: str, sentence: str) -> list[float]:
    """The figures of a sentence that count what the question counts: when it gives several ('74,702 overdose deaths
    — a 1.6-fold increase'), those followed by a word of the question ('deaths')."""
    found = new_figures(question, sentence)
    if len(found) <= 1:
        return found
    asked = set(stems(question))
    kept = [f for f in found if set(_after(sentence, figure_text(sentence, f))) & asked]
    return kept if kept else found


def _after(sentence: str, figure: str) -> list[str]:
    at = sentence.find(figure)
    return stems(re.split(r"[,;:.()—–-]", sentence[at + len(figure):], maxsplit=1)[0])[:2] if at >= 0 else []



def _months(text: str) -> set[str]:
    """Months a text names, 'Nov. 10' as well as 'November'."""
    return {_MONTHS[m[:3].lower()] for m in re.findall(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?:[a-z]*\.?)(?=\W|$)", text)}
