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
from qa.lexical import numbers, stems
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


def split_claims(text: str) -> list[Claim]:
    """Sentences of an answer with the markers each carries ('… 48,422 [1].' and '… 48,422. [1]' alike)."""
    claims: list[Claim] = []
    for span in sentence_spans(text.replace("\n", "\n\n")):
        piece = text.replace("\n", "\n\n")[span.start : span.end]
        cited = [int(n) for m in MARKER.finditer(piece) for n in re.split(r"[,;]", m.group(1))]
        bare = re.sub(r"\s+([.,;:!?])(?=\s|$)", r"\1", MARKER.sub("", piece)).strip()
        if not bare.strip(".!?;: ") and claims:  # a lone marker after the full stop belongs to the sentence before
            claims[-1].cited += [n for n in cited if n not in claims[-1].cited]
            continue
        claims.append(Claim(bare, list(dict.fromkeys(cited))))
    return claims


def word_share(claim: str, sentence: str) -> float:
    mine = set(stems(claim))
    return len(mine & set(stems(sentence))) / len(mine) if mine else 0.0


class Verifier:
    """Scores how well passages support claims; the embedding model judges closeness in meaning."""

    def __init__(self, embedder: Embedder, threshold: float = SUPPORT_THRESHOLD):
        self.embedder = embedder
        self.threshold = threshold

    def check(self, draft_text: str, passages: Sequence[Passage], question: str = "") -> Checked:
        """Check every sentence of the draft.  A terse claim ('73,600.') is checked together with the question it
        answers, so a bare figure is only verified where a passage gives it for what was asked."""
        claims = [c for c in split_claims(draft_text) if c.text]
        for c in claims:
            c.context = question if question and len(stems(c.text)) < SHORT_CLAIM else ""
        units = [(n, p.text[s.start - p.start : s.end - p.start], s.start, s.end)
                 for n, p in enumerate(passages, start=1) for s in sentence_spans(p.text, offset=p.start)]
        support = self._support_matrix(claims, units, passages)
        out = Checked(text="")
        pieces: list[str] = []
        for ci, claim in enumerate(claims):
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
            marks = []
            for n in chosen:
                _, quote, qs, qe = best_by_passage[n]
                same = [i for i, (m, _, s, e) in enumerate(out.targets) if (s, e) == (qs, qe) and passages[m - 1].doc_id == passages[n - 1].doc_id]
                if not same:  # two chunks of one document holding the same sentence are one source
                    out.targets.append((n, quote, qs, qe))
                mark = f"[{(same[0] if same else len(out.targets) - 1) + 1}]"
                if mark not in marks:
                    marks.append(mark)
            pieces.append(place_marks(claim.text, "".join(marks)))
        out.text = " ".join(pieces)
        return out

    def _support_matrix(self, claims: list[Claim], units, passages) -> list[dict[int, tuple[float, str, int, int]]]:
        """For each claim, per passage number: (best support score, quote, start, end)."""
        result: list[dict[int, tuple[float, str, int, int]]] = [{} for _ in claims]
        need_model = []
        for ci, claim in enumerate(claims):
            for n, p in enumerate(passages, start=1):
                if len(claim.text) > 30 and claim.text.rstrip(".") in p.text:  # a verbatim quote supports itself
                    at = p.text.index(claim.text.rstrip("."))
                    end = at + len(claim.text.rstrip("."))
                    end += len(re.match(r"[.!?]?[\"'”’)]*", p.text[end:]).group())  # the quote keeps its sentence's stop
                    result[ci][n] = (1.0, p.text[at:end], p.start + at, p.start + end)
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
                    score = 0.5 * sum(a * b for a, b in zip(cv, uv)) + 0.5 * word_share(claim_text, text)
                    if score > result[ci].get(n, (-1.0,))[0]:
                        result[ci][n] = (score, text, s, e)
        return result

