"""Clean documents -> chunks of whole sentences, with character offsets into the cleaned text."""

from __future__ import annotations

from dataclasses import dataclass

from qa.types import Chunk, Document


@dataclass(frozen=True)
class Span:
    """A sentence: text[start:end] of the text it was found in."""

    start: int
    end: int


def sentence_spans(text: str, offset: int = 0) -> list[Span]:
    """Sentences of a text, trimmed of surrounding white space; paragraphs (blank-line separated) never share one.

    Offsets are relative to ``text`` plus ``offset``.  Uses sentencex (Wikimedia's rule-based segmenter)."""
    import sentencex

    spans: list[Span] = []
    pos = 0
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            for seg in sentencex.get_sentence_boundaries("en", paragraph):
                s, e = seg["start_index"], seg["end_index"]
                piece = paragraph[s:e]
                if seg.get("is_paragraph_break") or not piece.strip():
                    continue
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                spans.append(Span(offset + pos + s + lead, offset + pos + e - trail))
        pos += len(paragraph) + 2
    return spans


def chunk_document(doc: Document, max_chars: int = 700, overlap_sentences: int = 1) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most ``max_chars`` (a longer sentence stands alone, uncut).

    The last ``overlap_sentences`` sentences of a chunk open the next one, so evidence that straddles a
    boundary is whole in at least one chunk."""
    spans = sentence_spans(doc.text)
    groups: list[list[Span]] = []
    current: list[Span] = []
    for span in spans:
        if current and span.end - current[0].start > max_chars:
            groups.append(current)
            carry = current[-overlap_sentences:] if overlap_sentences > 0 else []
            # Overlap only when the carried sentences leave room for new text.
            current = carry if carry and span.end - carry[0].start <= max_chars else []
        current.append(span)
    if current:
        groups.append(current)
    return [
        Chunk(
            chunk_id=f"{doc.doc_id}::{index}",
            doc_id=doc.doc_id,
            title=doc.title,
            source=doc.source,
            index=index,
            text=doc.text[group[0].start : group[-1].end],
            start=group[0].start,
            end=group[-1].end,
        )
        for index, group in enumerate(groups)
    ]
