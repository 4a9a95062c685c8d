"""Answers that reason over more than one fact: a comparison (the two things set side by side, each under its
name) and an opinion (what a named source says, recommends or warns); multi-step parts are qa.compose_parts.

The things a question compares are found from its words (qa.question_parts); the evidence plan (qa.evidence)
searches each of them on its own, and the extractive generator scores every sentence read against each of them (the
sentences, best first, for one side) before calling the composers below.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.advice import advice_strength
from qa.citations import place_marks
from qa.lexical import stems
from qa.question_parts import Side, source_names, source_person
from qa.speakers import SPEAKER, speaker_of, speaks_for
from qa.sentence_roles import (DESCRIPTION_HEADING, Judge, defines, negates_side, opens_description,
                               opens_paragraph, plain_text, term_before, with_term)
from qa.types import Passage

_POINTER = re.compile(r"^\s*(?:see|refer to|for (?:more|details|the differences))\b|\bfor the differences between\b", re.I)  # 'See X for the differences'
_VIEWS = re.compile(r"\b(views?|opinions?|positions?|stances?|approach(es)?|responsibilit\w+|see|say|think|argue|blame)\b", re.I)
_SPOKEN = re.compile(r"\b(views?|opinions?|positions?|stances?|see|say|think|argue|blame)\b", re.I)


_ANAPHORA = re.compile(r"^\s*(it|this|these|those|that|they|such|here|as (?:noted|mentioned|described|explained|shown) (?:above|before|earlier))\b|\b(this|that|these|those|such) (code|codes|option|options|command|commands|value|values|variable|mode|file|files|case|cases|locations?|ways?|steps?)\b", re.I)


_EXPLETIVE = re.compile(r"^\s*it(?:['’]s| is| was| can be| may be)\s+(?:\w+\s+)?\w+\s+(?:to|that)\b", re.I)  # 'It's tempting to ...' points back at nothing


def with_antecedent(chosen: Sequence, ranked: Sequence, passages: Sequence[Passage] = (), terms_shown: bool = False) -> list:
    """The chosen sentences, each that points back ('If the script exits with this code, ...', 'These are the
    locations ...') preceded by the sentence before it in its passage, which says what it points to; not one that
    opens a paragraph under a term ('octopus' / 'This is the default merge strategy ...'): the term says it; nor,
    when ``terms_shown`` (the answer labels each sentence with its term), any sentence under a term."""
    out: list = []
    for s in chosen:
        chain, at = [], s
        while (len(chain) < 2 and _ANAPHORA.search(at.text) and not _EXPLETIVE.match(at.text)
               and not (passages and term_before(at, passages) and (terms_shown or opens_paragraph(at, passages)))):
            before = max((r for r in ranked if r.passage == at.passage and r.end <= at.start), key=lambda r: r.end, default=None)
            if before is None or _useless(before.text) or any((before.passage, before.start) == (o.passage, o.start) for o in list(chosen) + out + chain):
                break
            chain.insert(0, before)  # 'These are the locations ...' points back in turn ('The only safe place ... is ...')
            at = before
        out += chain
        out.append(s)
    return out


def cite(sentence: str, n: int) -> str:
    return place_marks(sentence.strip(), f"[{n}]", add_stop=True)


def _useless(text: str) -> bool:
    """A pointer elsewhere ('See X for the differences'), a line introducing what follows ('The syntax is:') or a
    term or synopsis line rather than a sentence ('pop [--index] [-q|--quiet] [<stash>]')."""
    t = text.rstrip()
    if "\n" in t.strip() or re.match(r"^\s*[$#>]\s", t):  # a block of lines (a synopsis, an example) or a command line
        return True
    return bool(_POINTER.search(t)) or t.endswith(":") or (len(t.split()) < 10 and not re.search(r"[.!?\"'”’)]$", t))


def _answers(ranked: Sequence) -> list:
    """The sentences that can answer (pointers, lead-ins and synopsis lines left out, unless nothing else is there)."""
    kept = [s for s in ranked if not _useless(s.text)]
    return kept or list(ranked)


GENERAL = "and what does it do?"  # the query of a thing compared as a whole (qa.question_parts.compared_things)
ASPECT_DEFINITION = 0.3  # a definition when one aspect of the things is compared; a page's opening sentence then counts as any
DEFINITION = 1.0  # a manual's definition of the thing (the first sentence under its term) comes before any other sentence
JUDGED = 5  # the best sentences of each thing that the judge reads (each pair costs ~20-40 ms on 2 cores)
JUDGE_WEIGHT = 0.04  # fit gained per cross-encoder logit (within -8..8): the judge orders sentences of about equal fit


def _side_fit(s, side: Side, others: Sequence[Side], passages: Sequence[Passage]) -> float:
    """How well a sentence speaks of this side: its score for the side's query, more when it names the side (or is
    defined under a term naming it), less when it speaks of another side only, much less when it cannot answer."""
    fit = s.score - (0.3 if _useless(s.text) else 0.0) - (0.1 if _ANAPHORA.search(s.text) else 0.0)  # 'Setting this variable ...': about what?
    fit -= 0.2 if negates_side(s.text, side) else 0.0  # 'if a non-interactive shell is invoked ...' is no interactive shell
    if _VIEWS.search(side.query) and _OPINION_CUES.search(s.text):  # 'China's views of X': what China says, argues, blames
        fit += 0.08
        speaker = speaker_of(s.text) if _SPOKEN.search(side.query) else ""  # a view is spoken; an approach is done
        if speaker and side.distinct:  # 'American policymakers argue ...' is the US's view, though it names China
            fit += SPEAKER if speaks_for(side, speaker) else -SPEAKER if any(o.distinct and speaks_for(o, speaker) for o in others) else 0.0
    if not side.distinct:
        return fit
    p = passages[s.passage - 1]
    if side.words & set(stems(p.title)):  # the thing's own page ('git-revert(1) Manual Page'), its description most
        fit += 0.1 + (0.2 if DESCRIPTION_HEADING.search(p.heading.rsplit(" › ", 1)[-1]) else 0.0)
    if defines(s, side, passages) or any(defines(s, o, passages) for o in others):
        if not defines(s, side, passages):
            return fit - 0.4
        if side.query.endswith(GENERAL):  # what each thing is: its definition ('apply [<stash>]' / 'Like pop, but ...')
            return fit + DEFINITION
        if not opens_description(s, side, passages):  # one aspect asked ('... in the startup files they read'): a help
            return fit + ASPECT_DEFINITION
    term = term_before(s, passages).split()
    if term and (side.named_in(term[0]) or any(o.distinct and o.named_in(term[0]) for o in others)):
        return fit + (0.3 if side.named_in(term[0]) else -0.3)  # defined under a term: the term says whose sentence it is
    if side.named_in(s.text):
        return fit + 0.15
    return fit - 0.15 - (0.1 if any(o.distinct and o.named_in(s.text) for o in others) else 0.0)


BOTH_ANSWERS = 6.0  # a cross-encoder logit from which a sentence naming both things answers the comparison


def compose_sides(sides: Sequence[Side], scored: Sequence[Sequence], passages: Sequence[Passage], floor: float, per_side: int = 2,
                  question: str = "", judge: Judge | None = None) -> str | None:
    """The things side by side: a sentence that states the difference (naming both) first when there is one, then
    each thing's best sentence under its name ('- “fetch”: A fetch stores ... [1].'), its definition in a manual
    first ('apply [<stash>]' / 'Like pop, but do not remove the state ...'); a sentence is said once.  ``judge``
    (the cross-encoder) tells whether a sentence naming both answers ``question``.  None (decline) when one thing is
    in nothing read: a comparison with something the documents never mention is not answerable."""
    sentences = [s.text for group in scored for s in group] + [p.title for p in passages]
    if any(side.distinct and not any(side.covered_by(t) for t in sentences) for side in sides):
        return None  # one of the things is in nothing read (or only its name is, never with what is asked of it)
    fits = []
    for i, side in enumerate(sides):
        others = [o for j, o in enumerate(sides) if j != i]
        fits.append({(s.passage, s.start): (_side_fit(s, side, others, passages), s) for s in _answers(scored[i])
                     if s.score >= floor - 0.1 or defines(s, side, passages)})  # a definition, however it is worded
    lines, used, said = [], set(), set()
    lead = _both_sides(sides, fits, question, judge)
    if lead is not None:
        s = fits[0][lead][1]
        lines.append(cite(s.text, s.passage))
        used.add(lead)
        said.add(plain_text(s.text))
    lead_doc = passages[lead[0] - 1].doc_id if lead else None
    for side, fit in zip(sides, fits):
        bonus = {k: 0.1 if lead_doc and passages[k[0] - 1].doc_id == lead_doc else 0.0 for k in fit}  # one source's account, where it has one
        ranked = sorted((((v[0] + bonus[k], v[1]), k) for k, v in fit.items() if k not in used and plain_text(v[1].text) not in said), key=lambda x: -x[0][0])
        if not ranked:
            continue
        if judge is not None:
            ranked = _judged(side, ranked, passages, judge)
        if lead is not None:  # the difference is stated: a thing's own line only with a sentence that names it
            ranked = [item for item in ranked if side.named_in(item[0][1].text) or defines(item[0][1], side, passages)]
            if not ranked:
                continue
        (best_fit, best), key = ranked[0]
        group = [best]
        used.add(key)
        said.add(plain_text(best.text))
        home = passages[best.passage - 1].doc_id
        for (f, s), k in ranked[1:per_side * 3]:  # a second point when nearly as good, about this side, new, and from the same document
            if (len(group) < per_side and f >= best_fit - 0.08 and side.named_in(s.text) and passages[s.passage - 1].doc_id == home
                    and plain_text(s.text) not in said and all(_overlap(s.text, g.text) < 0.5 for g in group)):
                group.append(s)
                used.add(k)
                said.add(plain_text(s.text))
        label = side.label.replace("“", "'").replace("”", "'")
        lines.append(f"- “{label}”: " + " ".join(cite(s.text, s.passage) for s in sorted(group, key=lambda s: (s.passage, s.start))))
    return "\n".join(lines)


def _judged(side: Side, ranked: list, passages: Sequence[Passage], judge: Judge) -> list:
    """The best few sentences for a thing reordered by fit plus what the judge says of each (read under its term,
    'git reset [<mode>] [<commit>]: This form resets ...') as an answer to the thing's query; the rest after them."""
    head, seen = [], set()
    for item in ranked:
        if plain_text(item[0][1].text) not in seen and len(head) < JUDGED:
            seen.add(plain_text(item[0][1].text))
            head.append(item)
    texts = [with_term(s, passages) for (_, s), _ in head]
    logits = judge(side.query, texts)
    head = [((f + JUDGE_WEIGHT * max(-8.0, min(8.0, x)), s), k) for ((f, s), k), x in zip(head, logits)]
    keys = {k for _, k in head}
    return sorted(head, key=lambda x: -x[0][0]) + [item for item in ranked if item[1] not in keys]


def _both_sides(sides: Sequence[Side], fits: Sequence[dict], question: str, judge: Judge | None):
    """The key of a sentence naming every thing compared that states the difference: nearly each thing's best by
    fit, or (with a judge) one the cross-encoder finds answers the question ('For almost every purpose, shell
    functions are preferred over aliases.'); None when there is none."""
    both = [key for key in fits[0] if all(key in f for f in fits[1:]) and not _useless(fits[0][key][1].text)
            and all(side.distinct and side.named_in(fits[0][key][1].text) for side in sides)]
    if not both:
        return None
    key = max(both, key=lambda k: min(f[k][0] for f in fits))
    if all(f[key][0] >= max(v[0] for v in f.values()) - 0.2 for f in fits):
        return key
    if judge is None or not question:
        return None
    unique = list({plain_text(fits[0][k][1].text): k for k in both}.values())[:6]
    logits = judge(question, [fits[0][k][1].text for k in unique])
    best = max(range(len(unique)), key=lambda i: logits[i])
    return unique[best] if logits[best] >= BOTH_ANSWERS else None


_OPINION_CUES = re.compile(r"[\"“”]|(?<!\w)'|\b(said|says|argues?|argued|believes?|thinks?|should|must|recommend\w*|urged?|suggest\w*|advis\w+|warn\w*|blames?|blamed|insists?|accuse\w*|"
                           r"calls? for|need(s|ed)? to|ought|best|better|in (his|her|their) view|wrote|noted?|instead)\b", re.I)


def names_what_is_read(kind, passages: Sequence[Passage]) -> bool:
    """An opinion or a comparison whose question names the documents, and only they were read (the plan found
    them): what they say answers, however the question is worded."""
    if kind.kind not in ("opinion", "comparison") or not kind.document_hints or not passages:
        return False
    read = {p.doc_id for p in passages}
    return len(read) == 1 if kind.kind == "opinion" else 2 <= len(read) <= len(kind.document_hints)


_ASKS_ADVICE = re.compile(r"\b(recommend\w*|advi[cs]\w*|suggest\w*|should|ought|warn\w*|best|better|prefer\w*|urge\w*|what to do|instead)\b", re.I)
ADVICE_WEIGHT = 0.1  # an advice question: a sentence that plainly advises (qa.advice) gains this much, ...
ADVICE_REACH = 0.15  # ... and is read even when it scores this much below the floor
_ADVICE = re.compile(r"\b(should|must|ought|need(s|ed)? to|could|recommend\w*|urge[sd]?|calls? for|advis\w+|suggest\w*|warn\w*|it is best|better to|instead|wants?)\b", re.I)


def compose_opinion(question: str, ranked: Sequence, passages: Sequence[Passage], floor: float, limit: int = 3,
                    named_document: bool = False) -> str | None:
    """What the named source says, recommends or warns: its sentences (those that name it, and the quotes next to
    them) and those with reported speech or advice ('should', 'recommends', 'warns') first, in document order.
    ``named_document``: the question names the one document read ('What does the opinion piece recommend?'), so
    its advice answers however the question is worded; None (decline) when it gives none."""
    person = source_person(question)
    names = set(stems(person)) if person else source_names(question)
    order = sorted(ranked, key=lambda s: (s.passage, s.start))
    named = {i for i, s in enumerate(order) if names & set(stems(s.text)) or any(re.search(rf"\b{re.escape(n)}\b", s.text, re.I) for n in names if "-" in n)}
    near = {(order[j].passage, order[j].start) for i in named for j in (i - 1, i, i + 1)
            if 0 <= j < len(order) and order[j].passage == order[i].passage and (j == i or _OPINION_CUES.search(order[j].text))}

    advising = bool(_ASKS_ADVICE.search(question))

    def boost(s):
        b = s.score + (0.1 if _OPINION_CUES.search(s.text) else 0.0) + (ADVICE_WEIGHT * advice_strength(s.text) if advising else 0.0)
        if (s.passage, s.start) in near:
            b += 0.12
        return b - (0.3 if _useless(s.text) else 0.0)

    if named_document:
        pool = [s for s in ranked if (_ADVICE.search(s.text) or advice_strength(s.text)) and not _useless(s.text)]
        if not pool:
            return None
    else:
        pool = [s for s in ranked if s.score >= floor or (s.passage, s.start) in near and s.score >= floor - 0.1  # the source's own words weigh more than their wording
                or advising and s.score >= floor - ADVICE_REACH and advice_strength(s.text) >= 1][:24]  # so does its plain advice, asked for
    if not pool:
        return ""
    if person:  # the person quoted in several documents: the one that quotes them most on this
        weight: dict[str, float] = {}
        for s in pool:
            if (s.passage, s.start) in near:
                doc = passages[s.passage - 1].doc_id
                weight[doc] = weight.get(doc, 0.0) + boost(s)
        if len(weight) > 1:
            home = max(weight, key=weight.get)
            pool = [s for s in pool if passages[s.passage - 1].doc_id == home]
    top = max(boost(s) for s in pool)
    home = passages[max(pool, key=boost).passage - 1].doc_id
    chosen: list = []
    for s in sorted(pool, key=lambda s: -boost(s)):
        if len(chosen) >= limit or boost(s) < top - 0.2:
            break
        if passages[s.passage - 1].doc_id != home:  # one source's view: another document's sentence is another's
            continue
        if all(_overlap(s.text, c.text) < 0.6 for c in chosen):
            chosen.append(s)
    return " ".join(cite(s.text, s.passage) for s in with_antecedent(sorted(chosen, key=lambda s: (s.passage, s.start)), ranked))


def compose_documents(ranked: Sequence, passages: Sequence[Passage], per_document: int = 2, views: bool = False) -> str:
    """Two or more documents the question names, side by side: the best sentences of each under its title
    ('- In “Title”: … [1]'), what each says or argues first when their views are compared."""
    by_doc: dict[str, list] = {}
    for s in _answers(ranked):
        by_doc.setdefault(passages[s.passage - 1].doc_id, []).append(s)
    lines = []
    for doc, sentences in by_doc.items():
        best = sorted(sentences, key=lambda s: -(s.score + (0.08 if views and _OPINION_CUES.search(s.text) else 0.0)))
        group: list = []
        for s in best:
            if len(group) < per_document and all(_overlap(s.text, g.text) < 0.5 for g in group):
                group.append(s)
        title = passages[group[0].passage - 1].title.replace("“", "'").replace("”", "'")
        lines.append(f"- In “{title}”: " + " ".join(cite(s.text, s.passage) for s in sorted(group, key=lambda s: (s.passage, s.start))))
    return "\n".join(lines) if len(lines) >= 2 else ""


def _overlap(a: str, b: str) -> float:
    sa, sb = set(stems(a)), set(stems(b))
    return len(sa & sb) / max(1, min(len(sa), len(sb)))
