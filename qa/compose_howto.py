"""How-tos from a document's own structure: the sentence that opens the steps, then the code blocks and the short
paragraphs leading into them, each whole and cited (an FAQ's question is answered by the paragraph after it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from qa.compose_structured import Unit, cite, fenced, terms_before, units_after_sentence, with_terms
from qa.lexical import stems
from qa.types import Passage


CODE_LEADS_READ = 30  # how far down the ranking sentences leading into code are looked for
CODE_LINES_READ = 4  # the first lines of the code are read with its lead-in (what it does shows there)


def code_after(s, passages: Sequence[Passage]) -> Unit | None:
    """The code block a sentence leads into ('This construct is typically used as shorthand ...:' + 'mkdir
    /usr/local/src/bash/{old,new,dist,bugs}'): the block right after it when the sentence ends its paragraph; else None."""
    units = units_after_sentence(s, passages, limit=2)
    if units and units[0].block > 0 and units[0].kind == "code":
        return units[0]
    return None


def with_code_scores(ranked: Sequence, passages: Sequence[Passage], score_texts: Callable[[list[str]], list[float]],
                     most: int = CODE_LEADS_READ) -> list:
    """The sentences again, best first, each that leads into code scored as well as it and its code answer
    together (``score_texts`` scores texts against the question as sentences are scored): a how-to's answer is often
    a plain lead-in ('An alternate form of the for command is also supported:') whose command says what was asked."""
    leads = []
    for s in ranked[:most]:
        code = code_after(s, passages)
        if code is not None and code.text.count("\n") < 12 and s.text[:1].isupper():  # not a fragment (', e.g. git tag ...')
            leads.append((s, code))
    if not leads:
        return list(ranked)
    lifted = {}
    texts = [s.text + "\n" + "\n".join(code.text.splitlines()[:CODE_LINES_READ]) for s, code in leads]
    for (s, code), score in zip(leads, score_texts(texts)):
        if score > s.score:
            lifted[id(s)] = replace(s, score=score, lifted=score - s.score)
    return sorted((lifted.get(id(s), s) for s in ranked), key=lambda s: -s.score)


def howto_fit(s, passages: Sequence[Passage]) -> float:
    """How well a sentence opens a how-to: + when code follows it at once ('To create one, use' + a command), a
    little less when one more sentence of its paragraph comes first; for a sentence whose score its code lifted
    (with_code_scores), only what the bonus adds beyond the lift."""
    units = units_after_sentence(s, passages, limit=6)
    own = [u for u in units if u.block == 0]
    after = next((u for u in units if u.block > 0), None)
    if after is None or after.kind != "code":
        return 0.0
    fit = 0.1 if not own else 0.05 if len(own) == 1 else 0.0
    return max(0.0, fit - getattr(s, "lifted", 0.0))  # a score lifted by its code counts the code once: max(own + fit, lifted)


_POSSESSIVES = frozenset({"my", "your", "our", "their", "his", "her", "its", "a", "an", "the", "own"})
SECTION_PASSAGES = 3  # how many of the best passages may be a section whose heading names the task


def heading_names_task(question: str, heading: str) -> bool:
    """Does a section's heading name the task asked, every word of it in the question ('3. Running your program under
    Memcheck' for 'How do I run my program under Memcheck?'; two words at least)?"""
    words = {w for w in stems(re.sub(r"^\s*[\d.]+\s+", "", heading)) if w not in _POSSESSIVES and not w[0].isdigit()}
    asked = {w for w in stems(question) if w not in _POSSESSIVES}
    return len(words) >= 2 and words <= asked


def section_opening(question: str, ranked: Sequence, passages: Sequence[Passage]):
    """The first sentence of a section whose heading names the task asked, when one of the best passages starts it: a
    manual's section on the task is its how-to ('If you normally run your program like this:' + code + 'Use this
    command line:' + code); None otherwise."""
    for n, p in enumerate(passages[:SECTION_PASSAGES], start=1):
        heading = p.heading.rsplit(" › ", 1)[-1].strip()
        if heading and p.text.lstrip().startswith(heading) and heading_names_task(question, heading):
            return min((s for s in ranked if s.passage == n), key=lambda s: s.start, default=None)
    return None


OPTION_DOES = 0.15  # what an option's description gains when its first word is the question's verb ('Keep (don't delete) input files')
_GENERIC_VERBS = frozenset(stems("use be do have get make"))


def option_fit(question: str, s, passages: Sequence[Passage]) -> float:
    """+ for the sentence that opens an option's description when its first word, the verb of what the option does,
    is one the question asks to do: '-k --keep' / 'Keep (don't delete) input files ...' for 'How do I keep the input
    file when compressing with bzip2?', '-o FILE' / 'Write the resource use statistics to FILE.' for 'How do I write
    the output of time to a file?'.  A manual's answer to such a how-to is the option, not the prose around it."""
    terms = terms_before(passages, s.passage, s.start)
    if not any(t.lstrip().startswith("-") for t in terms):
        return 0.0
    first = stems(s.text.split(None, 1)[0]) if s.text.split() else []
    return OPTION_DOES if first and first[0] not in _GENERIC_VERBS and first[0] in set(stems(question)) else 0.0


GOES_ON = 0.1  # what a sentence that goes on from another loses as a how-to's opening
_EXAMPLE_OPENER = re.compile(r"^\s*(for example|for instance|e\.g\.|i\.e\.|likewise|similarly)\b", re.I)


def opener_fit(s, passages: Sequence[Passage]) -> float:
    """- for a sentence that goes on from another ('For example, -M90% means ...'): it cannot open the steps."""
    return -GOES_ON if _EXAMPLE_OPENER.match(s.text) else 0.0


def structured_howto(question: str, ranked: Sequence, passages: Sequence[Passage], window: float = 0.15, max_code: int = 3) -> str:
    """The steps of a how-to: the sentence that best opens it (favouring one that code follows), with the term it
    describes ('-c <new-branch>, --create <new-branch>: Create a new branch …'), the rest of its paragraph, and
    the code blocks and steps that follow, each whole and cited; an FAQ's question is answered by the paragraph
    after it."""
    best = ranked[0].score
    pool = [s for s in ranked[:10] if s.score >= best - window]
    anchor = section_opening(question, ranked, passages) or max(
        pool, key=lambda s: s.score + howto_fit(s, passages) + opener_fit(s, passages) + option_fit(question, s, passages))
    units = units_after_sentence(anchor, passages, limit=24)
    lines: list[str] = []
    same_paragraph = [u for u in units if u.block == 0 and u.kind == "sentence"]
    if same_paragraph and same_paragraph[-1].text.rstrip("\"'”’ ").endswith("?"):  # an FAQ's question: its answer follows
        answer = [u for u in units if u.block == 1 and u.kind == "sentence"]
        if answer:
            lines.append(" ".join(cite(u.text, u.passage) for u in answer[:4]))
            units = [u for u in units if u.block > 1]
            return "\n".join(lines + _steps(units, max_code))
    lines.append(with_terms(terms_before(passages, anchor.passage, anchor.start), anchor.text, anchor.passage))
    if not anchor.text.rstrip().endswith(":"):
        more = [u for u in same_paragraph[:2] if not u.text.rstrip("\"'”’ ").endswith("?")]
        if more:
            lines[-1] += " " + " ".join(cite(u.text, u.passage) for u in more)
    rest = [u for u in units if u.block > 0]
    return "\n".join(lines + _steps(rest, max_code))


def _steps(units: Sequence[Unit], max_code: int) -> list[str]:
    """The code blocks after a how-to's opening, each with the short paragraph leading into it ('To switch back to
    the previous branch:'), until a block that is neither (a new topic)."""
    blocks: list[list[Unit]] = []
    for u in units:
        if blocks and blocks[-1][0].block == u.block:
            blocks[-1].append(u)
        else:
            blocks.append([u])
    out: list[str] = []
    codes = 0
    for i, block in enumerate(blocks):
        head = block[0]
        nxt = blocks[i + 1][0] if i + 1 < len(blocks) else None
        if head.kind == "code" and codes < max_code:
            out.append(fenced(head.text, head.passage))
            codes += 1
        elif head.kind == "sentence" and len(block) <= 3 and nxt is not None and nxt.kind == "code" and codes < max_code:
            out.append(" ".join(cite(u.text, u.passage) for u in block))
        else:
            break
    return out
