"""Composers of the extractive generator, one per kind of question: they arrange the scored sentences of the
passages into a list, a summary, a yes/no answer, a comparison, steps, or a combined figure; every line cited.

Each takes the question, the sentences best first (qa.extractive.ScoredSentence) and the passages, and returns the
draft text with markers ``[n]`` into the passages (1-based), or '' when it has nothing to say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.citations import place_marks
from qa.compose_howto import structured_howto
from qa.compose_list import done_not_urged, structured_list
from qa.compose_structured import is_command
from qa.lexical import format_figure, stems
from qa.sentence_context import term_label
from qa.summary_points import point_worth, repeats, topic_words
from qa.types import Passage
from qa.verification import unit_after

_CAUSAL = re.compile(r"\b(because|due to|so that|led to|leads to|lead to|leading to|caused|causes|as a result|result(ed|s)? in|"
                     r"therefore|thus|since|owing to|thanks to|in order to|reason|driven by|contributed to|helped|after)\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•▪◦]|\d{1,2}[.)])\s+")
_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]*\d)")
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                 "eleven": 11, "twelve": 12}
_LESS = re.compile(r"\b(how many more|how much more|how many fewer|how much (higher|lower|larger|smaller|less)|difference)\b", re.I)


def cite(sentence: str, n: int) -> str:
    return place_marks(sentence.strip(), f"[{n}]", add_stop=True)


def bullet(sentence: str, n: int) -> str:
    return "- " + cite(_BULLET.sub("", sentence), n)


def similar(a: str, b: str) -> float:
    sa, sb = set(stems(a)), set(stems(b))
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


def distinct(ranked: Sequence, limit: int, floor: float, overlap: float = 0.6) -> list:
    """The best sentences scoring at least ``floor``, none repeating one already chosen."""
    chosen: list = []
    for s in ranked:
        if s.score < floor or len(chosen) >= limit:
            break
        if all(similar(s.text, c.text) < overlap for c in chosen):
            chosen.append(s)
    return chosen


def in_document_order(chosen: Sequence) -> list:
    return sorted(chosen, key=lambda s: (s.passage, s.start))


def compose_list(question: str, ranked: Sequence, passages: Sequence[Passage], floor: float, limit: int = 6) -> str:
    """A bulleted list: the items the documents list themselves (after a lead-in sentence, or a definition list's
    entries, qa.compose_structured), else one cited item per sentence or list item that answers, de-duplicated."""
    structured = structured_list(question, ranked, passages, floor)
    if structured:
        return structured
    prose = [s for s in done_not_urged(question, ranked) if not is_command(s.text)] or list(ranked)  # a synopsis line is no item of a list
    items = distinct(prose, limit, max(floor, prose[0].score - 0.2))
    items = paragraph_items(distinct(prose, 2, max(floor, prose[0].score - 0.3)), prose, passages) or items
    return "\n".join(_labelled(bullet(s.text, s.passage), s, passages) for s in items)


def _labelled(line: str, s, passages: Sequence[Passage]) -> str:
    """A list's item that opens an option's description, after the option ('- `--always`: Show uniquely ...')."""
    term = term_label(s, passages)
    return f"- {term}: {line[2:]}" if term else line


def paragraph_items(items: Sequence, ranked: Sequence, passages: Sequence[Passage], most: int = 6) -> list:
    """When the two best items are sentences of one paragraph, that paragraph enumerates the answer ('the third
    wave ... the first wave ... Around 2010, ... heroin ...'): all its sentences in order (at most ``most``), then
    the other items; [] otherwise."""
    if len(items) < 2 or items[0].passage != items[1].passage:
        return []
    p = passages[items[0].passage - 1]
    lo, hi = sorted((items[0].start, items[1].start))
    if "\n\n" in p.text[lo - p.start : hi - p.start]:
        return []
    begin = p.text.rfind("\n\n", 0, lo - p.start) + 1 + p.start
    end = p.text.find("\n\n", hi - p.start)
    end = p.start + (end if end >= 0 else len(p.text))
    paragraph = sorted({s.start: s for s in ranked if s.passage == items[0].passage and begin <= s.start < end}.values(), key=lambda s: s.start)
    return paragraph[:most] + [s for s in items if s.passage != items[0].passage or not begin <= s.start < end]


def compose_summary(ranked: Sequence, vectors: dict, topic_vec: Sequence[float], floor: float, points: int = 5, balance: float = 0.7,
                    bonus: dict | None = None, topic: str = "", passages: Sequence[Passage] = ()) -> str:
    """3-6 central, diverse cited points in document order: maximal marginal relevance over sentence embeddings
    (``bonus``: extra relevance by sentence id, e.g. for a document's lead); a sentence's specifics (figures, names,
    dates beyond the ``topic``'s words) count for it, a restatement of the topic or a pointer elsewhere against it
    (qa.summary_points); with the ``passages``, every source is heard before one gives a second point."""
    pool = [s for s in ranked[:80] if s.score >= floor and not is_command(s.text)]  # '$ git config --global credential.helper foo' is no point
    known = topic_words(topic)
    named = [s for s in pool if known & set(stems(s.text))]  # a point names the topic (one only 'close' to it often strays)
    pool = named if len(named) >= 3 else pool
    worth = {id(s): TOPIC_WORTH * point_worth(s.text, known) for s in pool}
    source = {id(s): passages[s.passage - 1].doc_id for s in pool} if passages else {}
    taken: dict[str, int] = {}
    chosen: list = []
    while pool and len(chosen) < points:
        def mmr(s):
            rel = _dot(vectors[id(s)], topic_vec) + (bonus or {}).get(id(s), 0.0) + worth[id(s)]
            red = max((_dot(vectors[id(s)], vectors[id(c)]) for c in chosen), default=0.0)
            return balance * rel - (1 - balance) * red - SOURCE_TAKEN * taken.get(source.get(id(s), ""), 0)
        best = max(pool, key=mmr)
        pool.remove(best)
        if not any(repeats(best.text, c.text) for c in chosen):
            chosen.append(best)
            taken[source.get(id(best), "")] = taken.get(source.get(id(best), ""), 0) + 1
    return "\n".join(bullet(s.text, s.passage) for s in in_document_order(chosen))


SOURCE_TAKEN = 0.02  # a topic summary's point loses this much for each point its document already gives
TOPIC_WORTH = 2.0  # a sentence's specifics weigh double across documents: sentences restating a broad topic abound, the facts are what tell them apart


def centroid(vectors: Sequence[Sequence[float]]) -> list[float]:
    """The mean direction of the vectors: what a document is mostly about."""
    if not vectors:
        return []
    mean = [sum(col) / len(vectors) for col in zip(*vectors)]
    norm = sum(x * x for x in mean) ** 0.5 or 1.0
    return [x / norm for x in mean]


def compose_overview(ranked: Sequence, passages: Sequence[Passage], vectors: dict, documents: int = 6) -> str:
    """An overview of several documents: the most central sentence of each (prose, not a command; its first two
    sentences a little favoured), labelled with its title; what every title shares ('Bash Reference Manual: ') and section numbers ('9.3') are left out of labels."""
    by_doc: dict[str, list] = {}
    for s in ranked:
        if not is_command(s.text) and _bare(s.text) != _bare(passages[s.passage - 1].title):  # the headline again is no point
            by_doc.setdefault(passages[s.passage - 1].doc_id, []).append(s)
    titles = {p.doc_id: p.title for p in passages}
    shared = _shared_title_prefix(list(titles.values()))
    lines = []
    for doc, sentences in list(by_doc.items())[:documents]:
        middle = centroid([vectors[id(s)] for s in sentences])
        opening = {id(s): bonus for s, bonus in zip(sorted(sentences, key=lambda s: (passages[s.passage - 1].start, s.start)), (0.08, 0.04))}
        best = max(sentences, key=lambda s: _dot(vectors[id(s)], middle) + opening.get(id(s), 0.0))  # a document's opening says what it is about
        title = passages[best.passage - 1].title[len(shared):]
        title = re.sub(r"(?<!\S)\d+(\.\d+)+\.?\s+", "", title)  # '9.3 History Expansion': a section number is no claim
        title = title.replace("“", "'").replace("”", "'")
        lines.append((best.passage, f"- In “{title}”: {cite(best.text, best.passage)}"))
    return "\n".join(line for _, line in sorted(lines))


def _bare(text: str) -> str:
    """Words only, lower case: a headline repeated as a sentence ('... the United States.') is its title."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _shared_title_prefix(titles: list[str]) -> str:
    """The start every title shares, up to its last ': ' or ' - ' ('Bash Reference Manual: '); '' when none."""
    if len(titles) < 2:
        return ""
    first = titles[0]
    n = 0
    while n < len(first) and all(len(t) > n and t[n] == first[n] for t in titles):
        n += 1
    cut = max(first.rfind(": ", 0, n), first.rfind(" - ", 0, n))
    return first[: cut + 2] if cut >= 0 and first[cut:cut + 2] == ": " else (first[: cut + 3] if cut >= 0 else "")


_CONSEQUENCE = re.compile(r"^\s*(therefore|thus|hence|so|consequently|as a (result|consequence)|this (is why|means)|that is why|for this reason)\b", re.I)


def compose_explanation(question: str, ranked: Sequence, floor: float, following: dict | None = None, limit: int = 4) -> str:
    """The cause and what goes with it: the best sentence (one giving a cause, 'because', 'due to', 'led to', weighs a
    little more), the sentence before it when it begins 'Therefore' / 'As a result' (the cause is there), and the two
    sentences after it in its passage (an explanation goes on; after a FAQ's question the answer follows); one more
    sentence of the same document when it scores nearly as well.  Other documents are not quoted: their sentences
    rarely explain the same thing."""
    top = [s for s in ranked[:12] if s.score >= floor]
    if not top:
        return ""
    best = max(top, key=lambda s: s.score + (0.05 if _CAUSAL.search(s.text) else 0.0))
    neighbours = sorted((s for s in ranked if s.passage == best.passage), key=lambda s: s.start)
    at = next(i for i, s in enumerate(neighbours) if s is best)
    chosen = [best]
    if _CONSEQUENCE.match(best.text) and at > 0:
        chosen.append(neighbours[at - 1])
    chosen += [s for s in neighbours[at + 1 : at + 3] if all(similar(s.text, c.text) < 0.6 for c in chosen)]
    for s in top:
        if len(chosen) >= limit:
            break
        if s.passage == best.passage and s not in chosen and s.score >= best.score - 0.1 and all(similar(s.text, c.text) < 0.6 for c in chosen):
            chosen.append(s)
    return " ".join(cite(s.text, s.passage) for s in in_document_order(chosen))


def compose_comparison(ranked: Sequence, passages: Sequence[Passage], floor: float, per_source: int = 1, sources: int = 3) -> str:
    """The sources side by side: 'In “A”: … [1]. In “B”: … [2].' (the best sentence of each)."""
    by_doc: dict[str, list] = {}
    for s in ranked:
        if s.score < floor:
            break
        doc = passages[s.passage - 1].doc_id
        if len(by_doc.get(doc, [])) < per_source and (doc in by_doc or len(by_doc) < sources):
            by_doc.setdefault(doc, []).append(s)
    if len(by_doc) < 2:
        return " ".join(cite(s.text, s.passage) for group in by_doc.values() for s in group)
    lines = []
    for group in by_doc.values():
        title = passages[group[0].passage - 1].title.replace("“", "'").replace("”", "'")
        lines.append(f"- In “{title}”: " + " ".join(cite(s.text, s.passage) for s in group))
    return "\n".join(lines)


def compose_multi_step(question: str, ranked: Sequence, floor: float) -> str:
    """Both facts, cited; when each states one figure and the question asks them combined, the arithmetic too,
    citing both ('13 + 4 = 17 in all [1][2].')."""
    first = next((s for s in ranked[:3] if new_figures(question, s.text)), ranked[0])
    candidates = [s for s in ranked[:15] if s is not first and s.score >= floor  # another figure: another fact, however alike the words
                  and new_figures(question, s.text) and not set(new_figures(question, s.text)) & set(new_figures(question, first.text))]
    second = next(iter(candidates), None) or next((s for s in ranked[1:12] if s is not first and s.score >= floor
                                                  and similar(s.text, first.text) < 0.6), None)
    if second is None:
        return cite(first.text, first.passage)
    a, b = in_document_order([first, second])
    text = f"{cite(a.text, a.passage)} {cite(b.text, b.passage)}"
    fa, fb = new_figures(question, a.text), new_figures(question, b.text)
    if len(fa) == 1 and len(fb) == 1 and unit_after(a.text, figure_text(a.text, fa[0])) == unit_after(b.text, figure_text(b.text, fb[0])) != "":
        x, y = fa[0], fb[0]
        marks = f"[{a.passage}]" + (f"[{b.passage}]" if b.passage != a.passage else "")
        if _LESS.search(question):
            text += f"\nThe difference: {format_figure(max(x, y))} - {format_figure(min(x, y))} = {format_figure(abs(x - y))} {marks}."
        elif re.search(r"\b(in all|total|together|combined|altogether|sum|add)", question, re.I):
            text += f"\nIn all: {format_figure(x)} + {format_figure(y)} = {format_figure(x + y)} {marks}."
    return text


def new_figures(question: str, sentence: str) -> list[float]:
    """Amounts in the sentence that the question does not name (years left out), as numbers."""
    asked = {m.replace(",", "") for m in _NUMBER.findall(question)}
    found = []
    for m in _NUMBER.finditer(sentence):
        raw = m.group(0).replace(",", "")
        if raw in asked or (len(raw) == 4 and raw[:2] in ("19", "20")) or _after_month(sentence, m.start()):
            continue
        found.append(float(raw))
    for w in re.findall(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", sentence, re.I):
        if w.lower() not in question.lower():
            found.append(float(_WORD_NUMBERS[w.lower()]))
    return found


def figure_text(sentence: str, value: float) -> str:
    """How the sentence writes a figure ('76,226', '13'; a number word is written back as digits)."""
    for m in _NUMBER.finditer(sentence):
        if float(m.group(0).replace(",", "")) == value:
            return m.group(0)
    return format_figure(value)


def _after_month(sentence: str, at: int) -> bool:
    """A day of a date ('Nov. 10'), not an amount."""
    return bool(re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+$", sentence[:at]))



def compose_howto(question: str, ranked: Sequence, passages: Sequence[Passage]) -> str:
    """The sentence that best opens the how-to, then the steps and code blocks that follow it, kept whole
    (qa.compose_howto.structured_howto)."""
    return structured_howto(question, ranked, passages)


def _dot(a, b) -> float:
    return float(sum(x * y for x, y in zip(a, b)))
