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

from qa.compose_structured import blocks_before, looks_like_term, terms_before
from qa.lexical import stems
from qa.types import Passage

# '-n', '--dry-run', '--set-upstream', '-M90%' (not a word's hyphen: 'non-login'), 'clean.requireForce', '${name[@]}'
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
_VARIABLE = re.compile(r"(?<![\w.])([a-z][\w-]*\.[A-Za-z][\w.<>-]*[A-Za-z>])(?![\w])")
_ASKS_HOW = re.compile(r"\b(which|what) (option|flag|switch|argument)s?\b|^\s*how (do|can|should|would) (i|you|we|one)\b", re.I)  # an option is asked for
_ASKS_FLAG = re.compile(r"\b(which|what) (command[- ]line )?(option|flag|switch)s?\b", re.I)
_ASKS_SETTING = re.compile(r"\b(config(uration)?|setting|variable)s?\b", re.I)
NAMED = 1.0  # the term is a literal the question names ("-n"): its description answers first, whatever its words (a sentence merely mentioning "-n" holds more of them)
NAMED_LATER = 0.9  # a later sentence of that description: it answers when it holds what is asked ('the default value')
# 'The `path.join()` method joins ...': a sentence whose subject is a literal written as code, the way API references
# open an entry's description under a heading (the heading is the chunk's, not a term line of its text)
_CODE_SUBJECT = re.compile(r"^\s*(?:The\s+)?`([^`]+)`\s+(?:method|function|property|class|module|object|event|option|setting|"
                           r"variable|field|attribute|constructor|macro|command|flag|parameter)s?\b", re.I)
WORDED = 0.12
WORDED_ONE = 0.08  # the one word of a long option ('--short') is in a question asking how or for an option: one word says less  # the term's words are all in the question ('--set-upstream' for 'set the upstream branch')


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


def description_terms(passages: Sequence[Passage], n: int, start: int, paragraphs: int = 2) -> list[str]:
    """The terms of the definition-list entry a later sentence of a description belongs to: the terms above its
    paragraph, or above up to ``paragraphs`` paragraphs before it ('gc.auto' for 'The default value is 6700.', the
    second sentence of its description; '-u' for 'It is optional: it defaults to all', the paragraph after 'Show
    untracked files.'); [] when none is found."""
    p = passages[n - 1]
    headings = {h.strip() for h in p.heading.split(" › ")}
    terms: list[str] = []
    prose = 0
    for b, is_code in reversed(blocks_before(p, start)):
        if not is_code and looks_like_term(b) and b not in headings and not b.isupper() and re.search(r"\w", b):  # not a bullet '•' nor an example
            terms.insert(0, b)
            if len(terms) >= 3:
                break
            continue
        if terms:
            break
        prose += 1
        if prose > paragraphs:
            break
    return terms


def term_fit(question: str, s, passages: Sequence[Passage]) -> float:
    """How much the term a sentence describes says it answers the question: NAMED when the question names one of
    its literals, WORDED when every word of a term of two words or more is in the question, else 0, for the sentence
    that opens the description (the one under the term); NAMED_LATER for a later sentence of the description of a
    term the question names ('The default value is 6700.' under 'gc.auto')."""
    terms = terms_before(passages, s.passage, s.start)
    asked = literals(question)
    if terms and _ASKS_FLAG.search(question) and not _ASKS_SETTING.search(question) and not asked and all(_is_setting(t) for t in terms):
        return -WORDED  # 'Which option of git init sets ...?' asks for a flag, not for the configuration variable 'init.defaultBranch'
    if asked and opens_with_literal(s.text, asked):
        return NAMED
    if not terms:
        later = description_terms(passages, s.passage, s.start) if asked else []
        return NAMED_LATER if later and asked & term_literals(later) else 0.0
    if asked and asked & term_literals(terms):
        return NAMED
    q = set(stems(question))
    fit = 0.0
    for term in (piece for t in terms for piece in re.split(r",\s*", t)):
        name = re.split(r"[=\[<]", term, maxsplit=1)[0].strip()
        words = set(stems(re.sub(r"[-_.]", " ", name)))
        if len(words) >= 2 and words <= q:
            return WORDED
        if len(words) == 1 and name.startswith("--") and len(name) >= 6 and words <= q and _ASKS_HOW.search(question):
            fit = WORDED_ONE  # '--short' for 'output in short format', '--bare' for 'a bare repository'
    return fit


def code_subject(sentence: str) -> str:
    """The code a sentence opens with as its subject ('path.join()' in 'The `path.join()` method joins ...'), or ''."""
    m = _CODE_SUBJECT.match(sentence)
    return m.group(1) if m else ""


def opens_with_literal(sentence: str, asked: set[str]) -> bool:
    """Is the sentence's subject one of the ``asked`` literals written as code ('The `path.join()` method joins all
    given path segments ...' for 'path.join')?"""
    subject = code_subject(sentence)
    return bool(subject) and bool(asked & term_literals([subject]))


def names_term(question: str, term: str) -> bool:
    """Does the question name one of the literals of a term line ('-n' for '-n, --dry-run')?"""
    return bool(term) and bool(literals(question) & term_literals([term]))


def _is_setting(term: str) -> bool:
    """Is a term line a configuration variable ('init.defaultBranch', 'gc.<pattern>.reflogExpire'), not an option?"""
    return bool(_VARIABLE.fullmatch(term.strip()))
