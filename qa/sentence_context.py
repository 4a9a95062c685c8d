"""What a sentence picked to answer needs around it to be understood, and what it cannot answer alone.

A manual's description sentence means little without the term it describes ('Create a shallow clone with a history
truncated ...' is what `--depth <depth>` does); a sentence that refers back ('If the script exits with this code,
...', 'This may be inhibited by using the --norc option.') means little without the sentence before it; the term
line itself ('git reset [<mode>] [<commit>]') states nothing.  And a sentence that affirms what the question negates
('If a command is found but ...' for 'when a command is not found') answers another question.

Pure functions over a passage's text (its blocks joined by blank lines, qa.blocks) and document offsets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from qa.chunking import sentence_spans
from qa.citations import place_marks
from qa.compose_structured import in_code, label, terms_before
from qa.evidence import file_words, own_page
from qa.sentence_roles import term_before
from qa.term_match import code_subject, description_terms
from qa.lexical import stems
from qa.types import Passage

#: A sentence that leans on the one before it: it opens with a pronoun or 'then'/'otherwise', or names 'this code',
#: 'such a situation', 'these options' (a determiner pointing back), not 'this command' of a manual's own page.
_OPENS_BACK = re.compile(r"^\s*(it|its|they|them|this|these|that|those|such|then|otherwise|in (this|that|such a|either|both) cases?|"
                         r"in addition|also|likewise|similarly|conversely)\b(?!-)(?!\s+(?:command|manual|page|document|section|chapter|book|article)\b)", re.I)
_POINTS_BACK = re.compile(r"\b(this|these|those|such)\s+(?:an?\s+)?(?!command\b|manual\b|page\b|document\b|section\b|chapter\b|book\b|"
                          r"article\b|is\b|was\b|are\b|were\b|can\b|will\b|may\b|means\b)[a-z]", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
#: 'not found', "isn't executable", 'never be', 'no longer used': the word a negation applies to
_NEGATED = re.compile(r"(?:\bnot|\bnever|\bno longer|n't)\s+(?:(?:be|been|being|a|an|the|yet|always|also|really|even|ever|any|fully|completely|entirely|already|necessarily|properly)\s+)*([a-z][a-z-]{2,})", re.I)


def refers_back(text: str) -> bool:
    """Does the sentence lean on the one before it ('If the script exits with this code, ...', 'This may be inhibited
    by ...', 'It is not removed ...')?"""
    return bool(_OPENS_BACK.search(text) or _POINTS_BACK.search(text))


def sentence_before(p: Passage, start: int) -> tuple[int, int, str] | None:
    """(start, end, text) of the sentence before document offset ``start`` in the same paragraph of the passage; None
    when the sentence opens its paragraph (or the passage)."""
    before = p.text[: max(0, start - p.start)]
    cut = before.rfind("\n\n")
    paragraph_start = cut + 2 if cut >= 0 else 0
    spans = [sp for sp in sentence_spans(before[paragraph_start:], offset=p.start + paragraph_start) if sp.end <= start]
    if not spans:
        return None
    last = spans[-1]
    text = p.text[last.start - p.start : last.end - p.start]
    return (last.start, last.end, text) if text.strip() else None


def is_term_line(p: Passage, start: int, end: int) -> bool:
    """Is the span a definition list's term or a synopsis standing above its description: a whole block of one
    short line with no sentence end ('git reset [<mode>] [<commit>]', '--depth <depth>'), followed by a paragraph
    in the passage?  It names what the paragraph describes; it states nothing itself."""
    a, b = start - p.start, end - p.start
    text = p.text[a:b].strip()
    if not text or "\n" in text or len(text) > 120 or _SENTENCE_END.search(text) or text.endswith(":"):
        return False
    if re.match(r"^[$#>%]\s", text) or in_code(p, start):
        return False  # a command shown in a code block ('$ git switch mytopic') is an example, no term
    if " | " in text and ": " in text:
        return False  # a table row read with its headers ('Team: Engineering | Parking permits: 9') states its cells
    whole_block = (a == 0 or p.text[:a].endswith("\n\n")) and p.text[b:].startswith("\n\n")
    if not whole_block:
        return False
    following = p.text[b:].lstrip("\n").split("\n\n", 1)[0].strip()
    return len(following.split()) >= 2 and bool(re.search(r"[.!?:][\"'”’)]*(\s|$)", following))  # prose, not more code


def negated_words(text: str) -> set[str]:
    """The stems of the words a negation applies to ('If a command is not found' -> {'found'})."""
    plain = text.replace("’", "'")
    return {st for w in _NEGATED.findall(plain) for st in stems(w)[:1]}


def affirms_negated(question: str, sentence: str) -> bool:
    """Does the sentence speak of what the question negates only in the affirmative ('when a command is not found'
    against 'If a command is found but is not executable')?"""
    asked = negated_words(question)
    if not asked:
        return False
    said_negated = negated_words(sentence)
    have = set(stems(sentence))
    return any(w in have and w not in said_negated for w in asked)


def negation_fit(question: str, sentence: str) -> int:
    """+1 when the sentence negates what the question negates ('not found' / 'If a command is not found, ...'), -1
    when it speaks of it only in the affirmative ('If a command is found but ...'), 0 otherwise or when the question
    negates nothing."""
    asked = negated_words(question)
    if not asked:
        return 0
    if asked & negated_words(sentence):
        return 1
    return -1 if affirms_negated(question, sentence) else 0


def definition_term(s, passages: Sequence[Passage]) -> str:
    """The term or synopsis line above a sentence's paragraph (qa.sentence_roles.term_before), '' when there is none
    or the line is a command of an example ('$ git bisect run my_script arguments') or a section heading."""
    term = term_before(s, passages)
    return "" if not re.search(r"\w", term) or is_heading_line(term) or _in_code(passages[s.passage - 1], term) else term


def names_a_thing(term: str) -> bool:
    """Is a term the name of an option, command or setting ('recursive', '--mixed', 'pop [--index]',
    'core.editor'), not a line of prose heading a paragraph ('Invoked as an interactive non-login shell')?  Under
    such a term 'This was the default ...' speaks of the term, not of the sentence before."""
    t = term.strip()
    return bool(t) and (" " not in t or bool(re.search(r"[<\[=|{(]|(?:^|\s)-", t)))  # 'non-login' is a word, '-c <x>' an option


#: Actions that undo or end one another: a sentence on starting a session does not tell how to finish it.
OPPOSITE_ACTIONS = [("start", "finish"), ("start", "end"), ("start", "stop"), ("start", "quit"), ("begin", "end"), ("begin", "finish"),
                    ("enable", "disable"), ("add", "remove"), ("create", "delete"), ("open", "close"), ("show", "hide"),
                    ("include", "exclude"), ("install", "uninstall"), ("lock", "unlock"), ("push", "pull"), ("import", "export")]


def opposite_action(question: str, sentence: str) -> bool:
    """Does the sentence speak of the opposite of an action the question asks about, and never of that action ('How
    do I finish a bisect session?' against 'You start a bisect session as follows:')?"""
    asked, said = set(stems(question)), set(stems(sentence))
    for a, b in OPPOSITE_ACTIONS:
        for mine, other in ((a, b), (b, a)):
            m, o = stems(mine)[0], stems(other)[0]
            if m in asked and o not in asked and o in said and m not in said:
                return True
    return False


def lookup_quote(s, passages: Sequence[Passage], taken: set[int], labelled: set[str] = frozenset()) -> tuple[list[str], int]:
    """A look-up's chosen sentence (qa.extractive.ScoredSentence) as it is quoted: the sentence before it first when
    it refers back to it (and that one is not quoted already: ``taken`` holds the starts of the chosen sentences),
    the first one after the definition terms it describes ('`--depth <depth>`: Create a shallow clone ...') when it
    opens a description and does not name them itself.  Returns (sentences in order, each to be cited, the first
    possibly labelled; the document offset the quote starts at)."""
    pieces, start = [s.text], s.start
    before = getattr(s, "leans_on", None)
    if before and before[0] not in taken and refers_back(s.text):
        pieces, start = [before[2], s.text], before[0]
    p = passages[s.passage - 1]
    terms = [t for t in terms_before(passages, s.passage, start) if re.search(r"\w", t) and not is_heading_line(t) and not _in_code(p, t)]  # not a bullet '•'
    if not terms and names_a_thing(getattr(s, "term", "")) and not _in_code(p, s.term):
        entry = description_terms(passages, s.passage, start)
        terms = [t for t in entry if names_a_thing(t)] if s.term in entry else []
        terms = terms or [s.term]  # all the terms of its entry ('--dirty[=<mark>]', '--broken[=<mark>]'), not only the nearest  # 'This was the default strategy ...' under 'recursive': what 'this' is; 'The default value is 50.': of what
    if not terms and not getattr(s, "term", ""):  # a later paragraph of a description ('It is optional: it defaults to all' under '-u[<mode>]')
        terms = [t for t in description_terms(passages, s.passage, start) if names_a_thing(t) and not _in_code(p, t)]
    said = " ".join(pieces)
    if terms and label(terms) not in labelled and not any(names_term_itself(said, t) for t in terms) and not code_subject(said):  # 'The `path.join()` method ...' says what it describes
        pieces[0] = f"{label(terms)}: {pieces[0]}"
    return pieces, start


def term_label(s, passages: Sequence[Passage]) -> str:
    """The label of the terms a sentence opens the description of ('`-R`, `--reverse`'), '' when it opens none or
    names them itself, or they are no options or settings (an example's command line): a yes/no answer quoting 'Apply
    the patch in reverse.' says which option does it."""
    p = passages[s.passage - 1]
    terms = [t for t in terms_before(passages, s.passage, s.start) if re.search(r"\w", t) and not is_heading_line(t) and not _in_code(p, t)]
    if not terms or not all(re.match(r"-|\S+$", t) for t in terms) or any(re.search(rf"(?<![\w-]){re.escape(_term_word(t))}(?![\w-])", s.text) for t in terms):
        return ""
    return label(terms)


def _in_code(p: Passage, line: str) -> bool:
    """Is the line a command shown in a code block ('export VISUAL=nano'), not a term?"""
    at = p.text.find(line)
    return bool(re.match(r"^[$#>%]", line)) or at >= 0 and in_code(p, p.start + at)


def is_heading_line(line: str) -> bool:
    """'DESCRIPTION', '6.8 The Directory Stack': a section's heading, no term."""
    return line.isupper() and len(line) > 2 or bool(re.match(r"^\d+(\.\d+)*\.?\s+[A-Z]", line))


def names_term_itself(text: str, term: str) -> bool:
    """Does the text name the term it would be labelled with ('--depth' in '... with --depth 1')?  A word term in any
    case ('Parking' in 'The parking office ...': a heading the reader did not mark); an option as written ('-n' is not '-N')."""
    word = _term_word(term)
    return bool(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I if word.isalpha() else 0))


def _term_word(term: str) -> str:
    """The name a term begins with ('--depth <depth>' -> '--depth', 'pop [--index]' -> 'pop')."""
    return re.split(r"[\s=\[<]", term.strip(), maxsplit=1)[0]


def own_page_first(question: str, ranked: list, passages: Sequence[Passage], bonus: float = 0.15) -> list:
    """The scored sentences (qa.extractive.ScoredSentence), best first, marked up by ``bonus`` where they speak of the
    question's subject and down where they speak of a sibling: on the page the subject has to itself ('Is git switch
    experimental?': git-switch(1), not gittutorial's 'experimental branch'), not on another command's page
    (git-reset(1) for git revert); under the term the question names ('apply [--index] ...' for 'Does git stash apply
    ...'), not under another term when one is named."""
    own = own_page(question, [p.doc_id for p in passages])
    asked = set(re.findall(r"[\w.-]+", question.lower()))
    named = {s.term for s in ranked if names_a_thing(s.term) and _term_word(s.term).lower() in asked}

    def fit(s) -> float:
        doc = passages[s.passage - 1].doc_id
        mark = (1 if doc == own else -1 if own and sibling_pages(own, doc) else 0) if own else 0
        if named and names_a_thing(s.term):
            mark += 1 if s.term in named else -1
        return bonus * mark

    return sorted((replace(s, score=s.score + fit(s)) for s in ranked), key=lambda s: -s.score)


def sibling_pages(own: str, other: str) -> bool:
    """Are two file names pages of the same family ('git-revert.html', 'git-reset.html': the same first word, as many
    words), so that the other is some other command's own page?"""
    a, b = file_words(own), file_words(other)
    return own != other and len(a) == len(b) >= 2 and a[0] == b[0]


def lookup_candidates(question: str, ranked: list, passages: Sequence[Passage], step: float = 0.15) -> list:
    """The scored sentences (qa.extractive.ScoredSentence) that can answer a look-up, best first: no term line ('git
    reset [<mode>] [<commit>]': its description answers, read with it); those negating what the question negates
    marked up by ``step``, those affirming it or speaking of the opposite action marked down ('when a command is not
    found': 'If a command is not found, ...', not 'If a command is found but ...')."""
    kept = [replace(s, score=s.score + step * (negation_fit(question, s.text) - opposite_action(question, s.text)))
            for s in ranked if not is_term_line(passages[s.passage - 1], s.start, s.end)]
    return sorted(kept, key=lambda s: -s.score)


def without_opposites(question: str, ranked: list, step: float = 0.15) -> list:
    """The scored sentences, those on the opposite action marked down by ``step`` (a how-to: 'You start a bisect
    session as follows:' does not tell how to finish one), best first."""
    return sorted((replace(s, score=s.score - step) if opposite_action(question, s.text) else s for s in ranked), key=lambda s: -s.score)


def quoted_lookup(chosen: list, passages: Sequence[Passage]) -> tuple[str, dict[int, tuple[str, int, int]]]:
    """A look-up's answer from its chosen sentences: (the text, each sentence cited by its passage's number; the quote
    of each passage cited, (text, start, end))).  Sentences of one passage come in the document's order and share
    one quote; each is quoted as ``lookup_quote`` says (after its term, with the sentence it refers back to)."""
    order = {n: i for i, n in enumerate(dict.fromkeys(s.passage for s in chosen))}
    chosen = sorted(chosen, key=lambda s: (order[s.passage], s.start))
    quotes: dict[int, tuple[str, int, int]] = {}
    said: list[str] = []
    taken = {s.start for s in chosen}
    labelled: set[str] = set()  # a second sentence of the same description is not labelled again
    for s in chosen:
        pieces, begin = lookup_quote(s, passages, taken, labelled)
        labelled |= {pieces[0].split(": ", 1)[0]} if pieces[0].startswith("`") else set()
        said += [place_marks(piece, f"[{s.passage}]", add_stop=True) for piece in pieces]
        p = passages[s.passage - 1]
        start, end = (min(quotes[s.passage][1], begin), max(quotes[s.passage][2], s.end)) if s.passage in quotes else (begin, s.end)
        quotes[s.passage] = (p.text[start - p.start : end - p.start], start, end)
    return " ".join(said), quotes
