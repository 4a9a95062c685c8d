"""Checking a draft's citations against the passages, sentence by sentence.

For every sentence of a generated answer: does a passage it cites support it?  Support means the passage holds
every figure of the sentence and one of its sentences is close to the claim, in meaning (embedding cosine) and in
words (shared content words).  A citation whose passage does not support its sentence is removed, or moved to a
retrieved passage that does; a sentence no passage supports loses its markers and is reported as unverified, so
a figure or name in it is never passed off as cited.  Each kept citation carries the supporting sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from qa.chunking import sentence_spans
from qa.citations import MARKER, place_marks
from qa.embedding import Embedder
from qa.formulas import LINE as FORMULA_LINE, counted_noun, formula_line_holds, parts_of_one_count
from qa.lexical import numbers, stems
from qa.reversal import reverses, word_share
from qa.types import Passage

SUPPORT_THRESHOLD = 0.6
SHORT_CLAIM = 5  # content words; fewer, and the claim is checked together with the question


@dataclass
class Claim:
    """One sentence of the draft: its text without markers, and the passages (1-based) it cites."""

    text: str
    cited: list[int]
    context: str = ""  # the question, for claims too short to be checked alone


@dataclass
class Checked:
    """A draft after checking: markers now number ``targets`` (passage, quote) instead of passages."""

    text: str
    targets: list[tuple[int, str, int, int]] = field(default_factory=list)  # (passage number, quote, start, end)
    verified: int = 0
    unverified: list[str] = field(default_factory=list)
    moved: int = 0  # citations moved to a passage that supports the sentence
    removed: int = 0  # citations dropped


_BULLET = re.compile(r"^(\s*(?:[-*•]|\d{1,2}[.)])\s+)")
# a source ("In “Title”: …"), a thing compared ("- “git stash pop”: …") or the terms a definition describes ("`-c`, `--create`: …")
_LABEL = re.compile(r"^((?:[-*•]\s+)?(?:(?:In )?“[^”\n]{1,200}”|`[^`\n]{1,120}`(?:, `[^`\n]{1,120}`)*):\s+)")
_SUM_LINE = re.compile(r"^((?:[-*•]\s+)?(?:In all|The difference|Together|In total):\s+)(.*)$")
_SUM = re.compile(r"^\s*([\d,]+(?:\.\d+)?)\s*([+-])\s*([\d,]+(?:\.\d+)?)\s*=\s*([\d,]+(?:\.\d+)?)")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def split_lines(text: str) -> list[tuple[str, str, str]]:
    """A draft's lines as (prefix kept as written, body, kind): kind 'text' (sentences to check), 'code' (a fenced
    block, checked whole) or 'sum' (an arithmetic line).  Prefixes are list bullets and source labels."""
    out: list[tuple[str, str, str]] = []
    parts = re.split(r"(```.*?```)", text, flags=re.S)
    for part in parts:
        if part.startswith("```") and part.endswith("```") and len(part) > 6:
            out.append(("", part, "code"))
            continue
        for line in part.split("\n"):
            if not line.strip():
                continue
            if re.fullmatch(r"\s*(\[\d+\]\s*)+", line) and out:  # the markers after a code block cite it
                continue
            m = _SUM_LINE.match(line.strip())
            if m:
                out.append((m.group(1), m.group(2), "sum"))
                continue
            if FORMULA_LINE.match(line.strip()):  # 'With N = 9: 128 + 9 = 137 [1].' (qa.formulas)
                out.append(("", line.strip(), "formula"))
                continue
            m = _LABEL.match(line) or _BULLET.match(line)
            prefix = m.group(1) if m else ""
            out.append((prefix, line[len(prefix):], "text"))
    return out


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _holds_figure(sentence: str, figure: str) -> bool:
    value = _number(figure)
    if re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d,]*\d)", sentence):
        return True
    return any(value == v and re.search(rf"\b{w}\b", sentence, re.I) for w, v in _WORDS.items())


def unit_after(sentence: str, figure: str) -> str:
    """The stem of the first content word after a figure in a sentence ('13 fentanyl precursor chemicals' -> 'fentanyl';
    '23 times higher' -> 'time'); '' when the figure is not there.  Two figures are only added up when these agree."""
    value = _number(figure)
    words = [w for w, v in _WORDS.items() if v == value]
    pattern = rf"(?<![\d,.])(?:{re.escape(figure)}{''.join('|' + w for w in words)})(?![\d,]*\d)\b"
    m = re.search(pattern, sentence, re.I)
    if not m:
        return ""
    after = stems(sentence[m.end():])
    return after[0] if after else ""


def units_agree(sentence_a: str, figure_a: str, sentence_b: str, figure_b: str) -> bool:
    """Do two figures count the same thing?  The words right after each agree ('13 fentanyl precursor chemicals' /
    'four fentanyl precursor chemicals'; '74,702 overdose deaths' / '76,226 deaths'), or, when one figure ends its
    clause ('deaths in 2024 were estimated to be 48,422'), the other's unit is named before it in its sentence."""
    after_a, after_b = _words_after(sentence_a, figure_a), _words_after(sentence_b, figure_b)
    if after_a and after_b:
        return after_a[0] == after_b[0] or bool(set(after_a) & set(after_b))
    if after_a or after_b:
        named, (sentence, figure) = (after_a or after_b), ((sentence_b, figure_b) if after_a else (sentence_a, figure_a))
        at = sentence.find(figure)
        return at > 0 and bool(set(named) & set(stems(sentence[:at])))
    return False


def _words_after(sentence: str, figure: str, n: int = 2) -> list[str]:
    """The stems of the first ``n`` content words after a figure, before any punctuation ('' when none)."""
    value = _number(figure)
    words = [w for w, v in _WORDS.items() if v == value]
    m = re.search(rf"(?<![\d,.])(?:{re.escape(figure)}{''.join('|' + w for w in words)})(?![\d,]*\d)\b", sentence, re.I)
    if not m:
        return []
    clause = re.split(r"[,;:.()\[\]—–]", sentence[m.end():], maxsplit=1)[0]
    return stems(clause)[:n]


def _sentences(p: Passage) -> list[tuple[str, int, int]]:
    return [(p.text[s.start - p.start : s.end - p.start], s.start, s.end) for s in sentence_spans(p.text, offset=p.start, whole=p.code_spans or ())]


def split_claims(text: str) -> list[Claim]:
    """Sentences of an answer with the markers each carries ('… 48,422 [1].' and '… 48,422. [1]' alike)."""
    claims: list[Claim] = []
    verdict = re.match(r"\s*(Yes|No)\.\s+(?=\S)", text)  # a yes/no verdict is not part of the sentence it opens ('No.' is no abbreviation here)
    if verdict:
        claims.append(Claim(verdict.group(0).strip(), []))
        text = text[verdict.end():]
    for span in sentence_spans(text.replace("\n", "\n\n")):
        piece = text.replace("\n", "\n\n")[span.start : span.end]
        cited = [int(n) for m in MARKER.finditer(piece) for n in re.split(r"[,;]", m.group(1))]
        bare = re.sub(r"\s+([.,;:!?])(?=\s|$)", r"\1", MARKER.sub("", piece)).strip()
        if not bare.strip(".!?;: ") and claims:  # a lone marker after the full stop belongs to the sentence before
            claims[-1].cited += [n for n in cited if n not in claims[-1].cited]
            continue
        claims.append(Claim(bare, list(dict.fromkeys(cited))))
    return claims


class Verifier:
    """Scores how well passages support claims; the embedding model judges closeness in meaning."""

    def __init__(self, embedder: Embedder, threshold: float = SUPPORT_THRESHOLD):
        self.embedder = embedder
        self.threshold = threshold

    def check(self, draft_text: str, passages: Sequence[Passage], question: str = "") -> Checked:
        """Check every sentence of the draft.  A terse claim ('73,600.') is checked together with the question it
        answers, so a bare figure is only verified where a passage gives it for what was asked.  The draft's lines
        are kept: a list item ('- …'), a source's label ('In “Title”: …') and a code block are checked for what they
        claim, and an arithmetic line ('In all: 13 + 4 = 17 [1][2].') only when both figures are in the cited passages
        and the sum is right."""
        lines = split_lines(draft_text)
        claims: list[Claim] = []
        owners: list[int] = []  # line index of each claim
        for li, (prefix, body, kind) in enumerate(lines):
            if kind != "text":
                continue
            for c in split_claims(body):
                if c.text:
                    claims.append(c)
                    owners.append(li)
        for c in claims:
            c.context = question if question and len(stems(c.text)) < SHORT_CLAIM else ""
        units = [(n, p.text[s.start - p.start : s.end - p.start], s.start, s.end)
                 for n, p in enumerate(passages, start=1) for s in sentence_spans(p.text, offset=p.start, whole=p.code_spans or ())]
        support = self._support_matrix(claims, units, passages)
        out = Checked(text="")
        line_pieces: list[list[str]] = [[] for _ in lines]
        for ci, claim in enumerate(claims):
            pieces = line_pieces[owners[ci]]
            if not stems(claim.text):  # no content ("Yes.", a heading): nothing to verify
                pieces.append(claim.text)
                continue
            best_by_passage = support[ci]
            cited_ok = [n for n in claim.cited if n in best_by_passage and best_by_passage[n][0] >= self.threshold]
            chosen = cited_ok
            if not chosen:
                good = sorted((v[0], n) for n, v in best_by_passage.items() if v[0] >= self.threshold)
                chosen = [good[-1][1]] if good else []
                out.moved += bool(chosen and claim.cited)
            out.removed += len([n for n in claim.cited if n not in chosen])
            if not chosen:
                out.unverified.append(claim.text)
                pieces.append(claim.text)
                continue
            out.verified += 1
            pieces.append(place_marks(claim.text, self._marks(out, passages, [(n, *best_by_passage[n][1:]) for n in chosen])))
        rendered = []
        for li, (prefix, body, kind) in enumerate(lines):
            if kind == "code":
                rendered.append(self._check_code(out, body, passages))
            elif kind == "sum":
                rendered.append(self._check_sum(out, prefix, body, passages, question))
            elif kind == "formula":
                rendered.append(self._check_formula(out, body, passages, question))
            elif line_pieces[li] or not body.strip():
                rendered.append(prefix + " ".join(line_pieces[li]) if line_pieces[li] else "")
        out.text = "\n".join(r for r in rendered if r is not None).strip()
        return out

    def _marks(self, out: Checked, passages: Sequence[Passage], targets: list[tuple[int, str, int, int]]) -> str:
        """Markers for these (passage, quote, start, end) targets, added to ``out.targets`` (one per source sentence)."""
        marks: list[str] = []
        for n, quote, qs, qe in targets:
            same = [i for i, (m, _, s, e) in enumerate(out.targets) if s < qe and qs < e and passages[m - 1].doc_id == passages[n - 1].doc_id]
            if not same:  # one sentence of a document (held by two chunks, or quoted with and without its stop) is one source
                out.targets.append((n, quote, qs, qe))
            mark = f"[{(same[0] if same else len(out.targets) - 1) + 1}]"
            if mark not in marks:
                marks.append(mark)
        return "".join(marks)

    def _check_code(self, out: Checked, block: str, passages: Sequence[Passage]) -> str | None:
        """A code block is kept, cited, only when a passage holds it exactly (whitespace aside); else dropped."""
        code = block.strip().strip("`").strip()
        squeeze = lambda t: re.sub(r"\s+", " ", t).strip()
        for n, p in enumerate(passages, start=1):
            if code and squeeze(code) in squeeze(p.text):
                i = p.text.find(code.splitlines()[0].strip())
                start = p.start + max(0, i)
                out.verified += 1
                return "```\n" + code + "\n```\n" + self._marks(out, passages, [(n, code, start, start + len(code))])
        out.unverified.append(code)
        return None

    def _check_formula(self, out: Checked, line: str, passages: Sequence[Passage], question: str) -> str | None:
        """'With N = 9: 128 + 9 = 137 [1].': kept when 9 is the question's value and a cited sentence's formula gives it."""
        prefix, variable, value, body = FORMULA_LINE.match(line).groups()
        cited = [int(n) for n in re.findall(r"\[(\d+)\]", body) if 1 <= int(n) <= len(passages)]
        sentences = [(n, text, s, e) for n in cited for (text, s, e) in _sentences(passages[n - 1])]
        holding = [t for t in sentences if formula_line_holds(variable, value, body, question, [t[1]])]
        if not holding:
            out.unverified.append(line)
            return None
        out.verified += 1
        return place_marks(prefix + re.sub(r"\s*(\[\d+\])+\s*\.?\s*$", "", body) + ".", self._marks(out, passages, holding[:1]))

    def _check_sum(self, out: Checked, prefix: str, body: str, passages: Sequence[Passage], question: str = "") -> str | None:
        """'In all: 13 + 4 = 17 [1][2].': kept when the result is right and each figure is in a cited passage's sentence
        of the same unit; or, for a count given in parts by one sentence ('five Republicans – Senators …, as well as
        two Democrats – Senators …'), when the noun after the total is the question's counted noun and follows both
        figures there ('In all: 5 + 2 = 7 senators [1].', qa.formulas.parts_of_one_count)."""
        m = _SUM.match(body)
        cited = [int(n) for n in re.findall(r"\[(\d+)\]", body) if 1 <= int(n) <= len(passages)]
        x, op, y, z = (_number(m.group(1)), m.group(2), _number(m.group(3)), _number(m.group(4))) if m else (None,) * 4
        if None in (x, y, z) or (x + y if op == "+" else x - y) != z:
            out.unverified.append(body)
            return None
        targets = []
        for figure in (m.group(1), m.group(3)):
            found = next(((n, text, s, e) for n in cited for (text, s, e) in _sentences(passages[n - 1]) if _holds_figure(text, figure)), None)
            if found is None:
                out.unverified.append(body)
                return None
            targets.append(found)
        unit = re.sub(r"\s*(\[\d+\])+.*$", "", body[m.end():]).strip(" .")  # '= 7 senators': what the question counts, or nothing
        unit = unit if unit and question and set(stems(unit)) <= set(stems(question)) and unit == counted_noun(question) else ""
        same_sentence = targets[0][:3] == targets[1][:3]
        if not units_agree(targets[0][1], m.group(1), targets[1][1], m.group(3)) and not (  # 23 times and 76,226 deaths
                op == "+" and same_sentence and parts_of_one_count(targets[0][1], x, y, unit)):  # five Republicans and two Democrats: senators
            out.unverified.append(body)
            return None
        out.verified += 1
        claim = f"{prefix}{m.group(1)} {op} {m.group(3)} = {m.group(4)}" + (f" {unit}" if unit else "")
        return place_marks(claim + ".", self._marks(out, passages, targets))

    def _support_matrix(self, claims: list[Claim], units, passages) -> list[dict[int, tuple[float, str, int, int]]]:
        """For each claim, per passage number: (best support score, quote, start, end)."""
        result: list[dict[int, tuple[float, str, int, int]]] = [{} for _ in claims]
        need_model = []
        for ci, claim in enumerate(claims):
            for n, p in enumerate(passages, start=1):
                whole = len(claim.text.split()) >= 4 and claim.text.rstrip(".") + "." in p.text  # a short sentence quoted whole ('Switch to a specified branch.')
                if (len(claim.text) > 30 or whole) and claim.text.rstrip(".") in p.text:  # a verbatim quote supports itself
                    at = p.text.index(claim.text.rstrip("."))
                    end = at + len(claim.text.rstrip("."))
                    end += len(re.match(r"[.!?]?[\"'”’)]*", p.text[end:]).group())  # the quote keeps its sentence's stop
                    result[ci][n] = (1.0, p.text[at:end], p.start + at, p.start + end)
            if not result[ci]:  # a short claim that is one of the passages' sentences, whole ('The easiest way is:')
                bare = claim.text.rstrip(".!?:; ")
                for n, text, s, e in units:
                    if len(bare.split()) >= 3 and text.rstrip(".!?:; ") == bare and n not in result[ci]:
                        result[ci][n] = (1.0, text, s, e)
            if not result[ci]:
                need_model.append(ci)
        if need_model and units:
            full = [f"{claims[ci].context} {claims[ci].text}".strip() for ci in need_model]
            vectors = self.embedder.embed_batch(full + [u[1] for u in units])
            claim_vecs, unit_vecs = vectors[: len(need_model)], vectors[len(need_model) :]
            for ci, claim_text, cv in zip(need_model, full, claim_vecs):
                figures = numbers(claim_text)
                for (n, text, s, e), uv in zip(units, unit_vecs):
                    if figures - numbers(passages[n - 1].text):
                        continue  # a figure the passage does not hold is never supported by it
                    if claims[ci].context and word_share(claims[ci].text, text) < 0.5:
                        continue  # a terse claim is read with the question, but its own words must be in the passage ("PWNED.")
                    if reverses(claims[ci].text, text):
                        continue  # 'a large problem' is not supported by 'a comparatively limited problem'
                    score = 0.5 * sum(a * b for a, b in zip(cv, uv)) + 0.5 * word_share(claim_text, text)
                    if score > result[ci].get(n, (-1.0,))[0]:
                        result[ci][n] = (score, text, s, e)
        return result

