"""The parts of a question that asks more than one thing, and the things a comparison sets side by side, found
from the question's words: 'Which command lists worktrees, and which one deletes one?' -> two parts; 'What is the
difference between git stash pop and git stash apply?' -> two sides, each with the words that tell it from the
other; the person whose view is asked; the question without the words naming a document.

The evidence plan (qa.evidence) searches each part and side on its own; qa.compose_reasoning composes the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.lexical import stems

_DET = re.compile(r"^(?:the|a|an)\s+", re.I)
_SOURCES = re.compile(r"\b(?:the |these |all the )?(?:sources|documents|articles|texts|reports|authors)\b", re.I)
_THING = r"[^?,;]+?"
_END = r"\?|\.(?=\s|$)|$"  # the question's end: a full stop only before a space or the end ('path.join?' is one thing)
_SIDE_PATTERNS = [  # (pattern, the group holding what both sides share, after them) — checked in turn
    re.compile(rf"\bdifferences? between ({_THING}) and ({_THING})(?=\s+(?:in|on|when|for|inside|within|regarding|with respect to)\b|{_END})", re.I),
    re.compile(rf"^\s*compare (?:how|what) ({_THING}) and ({_THING}) (?:see|view|say|says|describe|treat|handle|explain|present|frame|portray)\b", re.I),
    re.compile(rf"^\s*compare ({_THING}) (?:and|with|to|versus|vs\.?) ({_THING})(?=\s+(?:in|on|when|for|regarding)\b|{_END})", re.I),
    re.compile(rf"^\s*how (?:do|does|did|would|will) ({_THING}) and ({_THING}) (?:differ|compare|treat|handle|deal with|behave|work|act|respond|react|view|see|approach|define|store|use)\b", re.I),
    re.compile(rf"^\s*how (?:do|does|did|is|are) ({_THING}) (?:differ from|different from|compare (?:with|to)|stack up against) ({_THING})(?=\s+(?:in|on|when|for|regarding)\b|{_END})", re.I),
    re.compile(rf"^\s*(?:what is |what's )?({_THING}) (?:versus|vs\.?) ({_THING})(?={_END})", re.I),
]


_STANCE = re.compile(r"\b(views?|opinions?|positions?|stances?|approach(?:es)?|attitudes?|polic(?:y|ies)|responses?|strateg(?:y|ies)|role)\b", re.I)


@dataclass(frozen=True)
class Side:
    """One of the things a comparison sets side by side."""

    label: str  # how the answer names it ('git stash pop', 'Trump', 'annotated tags')
    query: str  # what is searched for it ('Trump's approaches to China on fentanyl')
    words: frozenset[str]  # its stems that the other side lacks (a sentence about it should hold one); may be empty
    tokens: frozenset[str] = frozenset()  # its words as written that the other side lacks ('${name[@]}'), for symbols stems drop

    def named_in(self, text: str) -> bool:
        """Does the text mention this side (one of its own words, or its own symbols as written)?  'not a login
        shell' names the non-login side, not the login one."""
        return bool(self.words & set(_side_stems(text))) or any(t in text for t in self.tokens if not stems(t))

    def covered_by(self, sentence: str) -> bool:
        """Does one sentence speak of this side as a whole: all its own words (two at most), or two thirds of them
        ('India's regulations' needs both 'India' and 'regulation' in one sentence)?"""
        have = set(_side_stems(sentence))
        symbols = [t for t in self.tokens if not stems(t)]
        if symbols and any(t in sentence for t in symbols):
            return True
        held = len(self.words & have)
        return held == len(self.words) if len(self.words) <= 2 else held >= 2 * len(self.words) / 3

    @property
    def distinct(self) -> bool:
        return bool(self.words or any(not stems(t) for t in self.tokens))


def _side_stems(text: str) -> list[str]:
    """Stems of a text with 'not a X' read as 'non-X' (so 'an interactive shell that is not a login shell' speaks of
    non-login shells)."""
    return stems(re.sub(r"\bnot (?:a|an) ([\w-]+)", r"non-\1", text, flags=re.I))


def compared_things(question: str) -> list[Side]:
    """The two things a comparison sets side by side ('What is the difference between a fetch and a pull?' -> fetch,
    pull; 'Compare Trump's and Biden's approaches' -> Trump, Biden); [] when it compares sources, not things."""
    q = question.strip()
    for pattern in _SIDE_PATTERNS:
        m = pattern.search(q)
        if not m:
            continue
        a, b = (_DET.sub("", g.strip(" '\"“”")) for g in m.groups())
        if not a or not b or _SOURCES.fullmatch(a) or _SOURCES.search(a + " " + b) and not _distinct_names(a, b):
            return []
        tail = q[m.end():].strip(" ?.")
        a, b = _share_heads(a, b)
        words_a, words_b = set(stems(a)), set(stems(b))
        tokens_a, tokens_b = set(a.split()), set(b.split())
        def query(x: str) -> str:  # nothing asked beyond the things: what each is and does (a view: the view itself)
            if tail or _STANCE.search(x):
                return f"{x} {tail}".strip()
            return f"What is {x} and what does it do?"
        return [Side(_label(a, b), query(a), frozenset(words_a - words_b), frozenset(tokens_a - tokens_b)),
                Side(_label(b, a), query(b), frozenset(words_b - words_a), frozenset(tokens_b - tokens_a))]
    return _compared_with(q)


_COMPARED_WITH = re.compile(rf"^(?P<asked>[^,]+?),?\s+(?:compared (?:with|to)|as opposed to|in contrast (?:with|to)|unlike)\s+(?P<other>{_THING})[?.]?$", re.I)


def _compared_with(question: str) -> list[Side]:
    """'What are lightweight tags meant for, compared with annotated tags?' -> lightweight tags / annotated tags,
    each asked the question's own words ('What are annotated tags meant for'): the thing asked about is the phrase
    of the question ending in the other thing's head noun ('tags'); [] when none does."""
    m = _COMPARED_WITH.match(question.strip())
    if not m:
        return []
    asked, other = m.group("asked").strip(), _DET.sub("", m.group("other").strip(" '\"“”"))
    head = other.split()[-1] if other.split() else ""
    mine = re.search(rf"\b((?:[\w'’-]+\s+){{0,2}}?{re.escape(head)})\b", asked, re.I) if head else None
    if not mine or len(other.split()) < 2:
        return []
    thing = _DET.sub("", re.sub(r"^(?i:what|which|how|why|are|is|do|does)\s+(?:(?i:are|is|do|does)\s+)?", "", mine.group(1)))
    if set(stems(thing)) == set(stems(other)):
        return []
    words_a, words_b = set(stems(thing)), set(stems(other))
    tokens_a, tokens_b = set(thing.split()), set(other.split())
    return [Side(_label(thing, other), asked, frozenset(words_a - words_b), frozenset(tokens_a - tokens_b)),
            Side(_label(other, thing), asked.replace(thing, other, 1), frozenset(words_b - words_a), frozenset(tokens_b - tokens_a))]


def _distinct_names(a: str, b: str) -> bool:
    return bool(set(stems(a)) ^ set(stems(b)))


def _share_heads(a: str, b: str) -> tuple[str, str]:
    """'annotated' / 'lightweight tags' -> 'annotated tags' / 'lightweight tags'; 'Trump's' / 'Biden's approaches to
    X' -> 'Trump's approaches to X' / ...; 'Git's performance' / 'Mercurial's' -> ... / 'Mercurial's performance'.
    A plural noun stands alone ('aliases' / 'shell functions')."""
    ta, tb = a.split(), b.split()
    def owner(t: str) -> bool:
        return bool(re.search(r"['’]s$", t))
    if len(ta) == 1 and len(tb) > 1 and (owner(ta[0]) and owner(tb[0]) or not owner(ta[0]) and not owner(tb[0]) and not ta[0].lower().endswith("s")):
        return " ".join([ta[0]] + tb[1:]), b
    if len(tb) == 1 and len(ta) > 1 and owner(tb[0]) and owner(ta[0]):
        return a, " ".join([tb[0]] + ta[1:])
    return a, b


def _label(mine: str, other: str) -> str:
    """The words that tell this side from the other: a long shared ending is cut ('Trump's approaches to China' ->
    'Trump'), a short one kept ('annotated tags')."""
    tm, to = mine.split(), other.split()
    common = 0
    while common < min(len(tm), len(to)) - 1 and tm[-1 - common].lower() == to[-1 - common].lower():
        common += 1
    if common > 2:
        tm = tm[:-common]
    elif len(tm) > len(to) + 1 and len(to) <= 3:  # 'X and Y inside double quotes': Y named by as many words as X
        tm = tm[: len(to)]
    label = " ".join(tm)
    return re.sub(r"['’]s$", "", label) if len(tm) == 1 else label


_QWORD = r"(?:what|which|who|whom|where|when|why|how|is|are|was|were|does|do|did|can|could|should|will|would)"
_SPLIT = re.compile(rf"(?:,|;)\s*(?:and|but)\s+(?:then\s+)?(?=(?:(?:to|by|in|for|from|with|at|on|of)\s+)?{_QWORD}\b)|\s+and\s+(?=(?:which|what|who|where|when|how)\s+(?:one\s+)?(?:for|in|on|with|to)\b)", re.I)
_ELLIPSIS = re.compile(r"\b(one|ones|them|it|its|they|that|those|this)\b", re.I)
_MONTH_RE = r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"


def question_parts(question: str) -> list[str]:
    """The parts of a question asking two things, each able to stand alone: 'X in 2023 and 2024?' -> one per year;
    'Which command lists worktrees, and which one deletes one?' -> both, the second given the first's context
    ('which one deletes one of them' + 'command lists worktrees'), or the first part asked again with the second's
    ending ('... for one branch and which for several branches?' -> 'Which strategy does git merge use by default
    for several branches?'); [] for a question asking one thing."""
    for period in (r"\b(?:19|20)\d\d\b", _MONTH_RE):
        found = re.findall(period, question)
        if len(set(found)) >= 2:
            rest = re.sub(rf"(\s*\b(in|for|and|or|from|to|between|than)\b|\s*,)*\s*{period}", "", question)
            rest = re.sub(r"^(by )?how (many|much) (?:more|fewer|less)\b", r"how \2", rest, flags=re.I)
            rest = re.sub(r"^by how (many|much) (?:did|have|has|had|were|was|do|does) (.+?) (?:fall|fell|rise|rose|drop|dropped|increase|decrease|grow|grew|change|decline|go up|go down)\b", r"how \1 \2", rest, flags=re.I)
            rest = re.sub(r"(,|;)?\s+and (how many|what) is that in all|\s+(together|in all|in total|combined)|,?\s+according to .*$", "", rest, flags=re.I).strip(" ?")
            rest = re.sub(r"^by how (many|much)\b", r"how \1", rest, flags=re.I)
            return [f"{rest} in {p}?" for p in dict.fromkeys(found)]
    pieces = [p.strip(" ?") for p in _SPLIT.split(question.strip()) if p.strip(" ?")]
    if len(pieces) < 2:
        return []
    first, parts = pieces[0], [_plain_quantities(pieces[0]) + "?"]
    for piece in pieces[1:]:
        same_kind = with_first_subject(piece, first)
        if same_kind:  # 'which one deletes one of them' -> 'which command deletes one of my worktrees'
            parts.append(same_kind + "?")
            continue
        own = [w for w in stems(piece) if not re.fullmatch(_QWORD, w)]
        if len(own) < 4 or _ELLIPSIS.search(piece):  # 'and how for every run?': borrow the first part's subject
            m = re.match(rf"^\s*(?:{_QWORD}\s+)+(?:one\s+)?(?:then\s+)?(for|in|on|with|to|by|at|from)\b", piece, re.I)
            prep = m.group(1).lower() if m else ""
            if prep and f" {prep} " in first.lower():  # 'by default for one branch' / 'which for several branches'
                context = first[: first.lower().rfind(f" {prep} ")]
            elif prep:  # 'once' / 'how for every run'
                context = " ".join(first.split()[:-1])
            else:  # 'which one deletes one of them': the whole first part
                context = first
            if prep:  # 'which for several branches': the first part's question with the new ending, whole
                piece = _plain_quantities(f"{context} {piece[m.start(1):]}")
                parts.append(piece[:1].upper() + piece[1:] + "?")
                continue
            context = re.sub(rf"^\s*(?:{_QWORD}\s+)+", "", context, flags=re.I)
            piece = f"{piece} ({context})"
        parts.append(piece + "?")
    return parts


_DETERMINER = r"(?:my|our|your|the|a|an|its|their|all|each|every|this|that|these|those|some|any)"
_FIRST_SHAPE = re.compile(  # '[In git bisect run, ]which exit codes mark a commit[ as bad]': setting, asker, head noun, object
    rf"^(?P<setting>[^,]*,\s*)?(?P<asker>which|what)\s+(?P<head>(?:[\w.-]+\s+){{0,3}}?[\w.-]+)\s+(?P<verb>[a-z]+)\s+"
    rf"(?P<object>{_DETERMINER}\s+(?:[\w.-]+\s+)*?[\w.-]+)(?=\s+(?:as|to|from|in|on|with|for|by|when|if|even|into|at)\b|$)", re.I)
_SAME_KIND = re.compile(r"^\s*(which|what)\s+ones?\s+(?:then\s+)?", re.I)


def with_first_subject(piece: str, first: str) -> str:
    """A second part asking 'which one' of the same kind as the first, put whole: 'which one then deletes one of
    them' after 'Which command lists my worktrees' -> 'which command deletes one of my worktrees'; 'which one skips
    it' after 'In git bisect run, which exit codes mark a commit as bad' -> 'In git bisect run, which exit codes
    skips a commit'.  The first part's head noun and object, not its verb, which the second part replaces (a
    context holding 'mark ... as bad' would draw the second part to the first's answer); '' when either shape differs."""
    m, same = _FIRST_SHAPE.match(first.strip()), _SAME_KIND.match(piece)
    if not m or not same or m.group("head").split()[0].lower() in ("is", "are", "was", "were", "do", "does", "did", "can", "should", "will"):
        return ""
    thing = m.group("object")
    rest = piece[same.end():]
    bare = re.sub(rf"^{_DETERMINER}\s+", "", thing, flags=re.I)
    rest, n = re.subn(r"\b(?:one|some|each|any|all|both) of (?:them|those)\b", lambda x: x.group(0).split()[0] + " of " + thing, rest, count=1, flags=re.I)
    if not n:
        rest = re.sub(r"\b(them|it)\b", thing if not re.match(r"(?i)(?:my|our|your)\b", thing) else bare, rest, count=1, flags=re.I)
    return f"{m.group('setting') or ''}{same.group(1)} {m.group('head')} {rest}".strip()


_QUANTITIES = ((re.compile(r"\b(?:several|multiple|two or more)\b", re.I), "more than one"), (re.compile(r"\ba single\b", re.I), "one"))


def _plain_quantities(part: str) -> str:
    """'several branches' read as the documents usually write it, 'more than one branch'; 'a single head' as 'one head'."""
    for pattern, plain in _QUANTITIES:
        part = pattern.sub(plain, part)
    return part


_TOTAL_CLAUSE = re.compile(r",?\s*\b(?:counting (?:both|all|every|each)\b[^,?.;]*|in all|in total|all told|altogether|(?:all |both )?(?:together|combined))(?=\s*[?.,;]|\s*$)", re.I)


def without_total_clause(question: str) -> str:
    """The question without the words asking to add up ('How many senators co-signed the letter, counting both
    parties?' -> 'How many senators co-signed the letter?'): they say what to do with the facts, not which to find."""
    q = _TOTAL_CLAUSE.sub("", question).strip()
    return q if len(stems(q)) >= 2 else question


def without_hypothesis_figures(question: str) -> str:
    """The question with the figures of its 'If ...,' clause left out: they are the asker's values to apply ('If a
    command is killed by signal 9, what exit status ...?' -> '... by signal, what ...'), not facts to find."""
    m = re.match(r"^\s*(?:if|suppose|say|when)\b[^?]*?,", question, re.I)
    if not m:
        return question
    clause = re.sub(r"\s*\b\d[\d,.]*\b", "", m.group(0))
    return clause + question[m.end():]


def without_document_names(question: str, hints: Sequence[str]) -> str:
    """The question without the phrases naming documents: they say where to read, not what is asked ('What does
    the blame-game opinion piece recommend Washington do?' -> 'What does recommend Washington do?')."""
    q = question
    for hint in sorted(hints, key=len, reverse=True):
        q = re.sub(rf"(?:,?\s*\b(?:according to|in|from|by)\s+)?['‘\"“]?{re.escape(hint)}['’\"”]?", " ", q, flags=re.I)
    q = re.sub(r"\s+([?.,;])", r"\1", re.sub(r"\s{2,}", " ", q)).strip()
    return q if len(stems(q)) >= 2 else question


def source_person(question: str) -> str:
    """The person whose view is asked ('What does Ryan Hass warn ...' -> 'Ryan Hass'; 'According to Hua Zhendong,
    ...' -> 'Hua Zhendong'); '' when none (two or more capitalised words in a row, after the question's verb)."""
    m = re.search(r"^\s*(?i:what|how|where|when|which|why) (?i:does|do|did) ((?:[A-Z][\w'’.-]+ ){1,3}?[A-Z][\w'’-]+) \w+|^\s*(?i:according to) ((?:[A-Z][\w'’.-]+ ){1,3}?[A-Z][\w'’-]+),", question)
    return next((g for g in (m.groups() if m else ()) if g), "")


def source_names(question: str) -> set[str]:
    """The stems of the person or body the question names ('What does Vanda Felbab-Brown think ...' -> vanda,
    felbab-brown); capitalised words other than the first, and documents' nouns left out."""
    names = re.findall(r"(?<!^)\b[A-Z][\w'’-]*[a-z][\w'’-]*\b", question.strip())
    return {s for w in names for s in stems(re.sub(r"['’]s$", "", w))}
