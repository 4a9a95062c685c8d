"""Clean documents -> chunks of whole sentences and whole blocks, with character offsets into the cleaned text.

Paragraphs are cut into sentences (sentencex) and packed up to ``max_chars``; headings, list items, table rows and
code are units of their own, never cut (a code block longer than a chunk stands alone).  A chunk never spans two
sections (heading paths); it carries its section's heading path, the page of its first unit and where later pages
start in it.  A document without blocks is read as paragraphs separated by blank lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.blocks import DocumentTooLarge, page_at, page_starts
from qa.types import HEADING_SEPARATOR, Block, Chunk, Document


@dataclass(frozen=True)
class Span:
    """A sentence: text[start:end] of the text it was found in."""

    start: int
    end: int


@dataclass(frozen=True)
class Unit:
    """What a chunk is packed from: a sentence of a paragraph, or a whole block of another kind."""

    start: int
    end: int
    section: tuple[str, ...]
    kind: str = "paragraph"


def sentence_spans(text: str, offset: int = 0, whole: Sequence[tuple[int, int]] = ()) -> list[Span]:
    """Sentences of a text, trimmed of surrounding white space; paragraphs (blank-line separated) never share one.

    Offsets are relative to ``text`` plus ``offset``; ``whole`` lists (start, end) offsets of blocks (code) that are one
    unit each, never cut, blank lines inside them included.  Uses sentencex (Wikimedia's rule-based segmenter)."""
    import sentencex

    spans: list[Span] = []
    pos = 0
    for paragraph in text.split("\n\n"):
        at = offset + pos + len(paragraph) - len(paragraph.lstrip())
        to = offset + pos + len(paragraph.rstrip())
        block = next(((s, e) for s, e in whole if s <= at and to <= e), None) if paragraph.strip() else None
        if block is not None:  # a code block (or the part of one the text holds) is one unit
            start = max(block[0], offset)
            start += len(text[start - offset :]) - len(text[start - offset :].lstrip())
            end = min(block[1], offset + len(text.rstrip()))
            if not spans or spans[-1].end < start:
                spans.append(Span(start, end))
        elif paragraph.strip():
            glued = False  # the previous piece ended inside a word ("credential.*", "<URL>.*"): not a sentence end
            for seg in sentencex.get_sentence_boundaries("en", paragraph):
                s, e = seg["start_index"], seg["end_index"]
                piece = paragraph[s:e]
                if seg.get("is_paragraph_break") or not piece.strip():
                    continue
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                span = Span(offset + pos + s + lead, offset + pos + e - trail)
                if glued and spans:
                    spans[-1] = Span(spans[-1].start, span.end)
                else:
                    spans.append(span)
                glued = trail == 0 and e < len(paragraph) and not paragraph[e].isspace()
        pos += len(paragraph) + 2
    return spans


def paragraph_blocks(text: str) -> list[Block]:
    """A text without blocks, as paragraph blocks (blank-line separated) with their offsets."""
    blocks, pos = [], 0
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            blocks.append(Block(kind="paragraph", text=paragraph, start=pos, end=pos + len(paragraph)))
        pos += len(paragraph) + 2
    return blocks


def units_of(blocks: list[Block]) -> list[Unit]:
    """Sentences of paragraphs, whole other blocks, each tagged with its section."""
    units: list[Unit] = []
    for block in blocks:
        section = tuple(block.heading_path)
        if block.kind == "paragraph":
            units += [Unit(s.start, s.end, section) for s in sentence_spans(block.text, block.start)]
        else:
            units.append(Unit(block.start, block.end, section, block.kind))
    return units


def chunk_document(doc: Document, max_chars: int = 700, overlap_sentences: int = 1, max_chunks: int | None = None) -> list[Chunk]:
    """Pack consecutive units into chunks of at most ``max_chars`` (a longer unit stands alone, uncut), one section at a time.

    The last ``overlap_sentences`` units of a chunk open the next one of the same section, so evidence that straddles
    a boundary is whole in at least one chunk.  More than ``max_chunks`` chunks is a DocumentTooLarge error."""
    blocks = doc.blocks or paragraph_blocks(doc.text)
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units_of(blocks):
        new_section = bool(current) and unit.section != current[0].section
        if current and (new_section or unit.end - current[0].start > max_chars):
            groups.append(current)
            if max_chunks is not None and len(groups) > max_chunks:
                raise DocumentTooLarge(f"{doc.doc_id} makes more than {max_chunks:,} chunks, the limit per document: split it, or raise QA_MAX_DOCUMENT_CHUNKS")
            carry = current[-overlap_sentences:] if overlap_sentences > 0 and not new_section else []
            # Overlap only when the carried units leave room for new text.
            current = carry if carry and unit.end - carry[0].start <= max_chars else []
        current.append(unit)
    if current:
        groups.append(current)
    # A section with nothing but its heading (a title above a subsection) is no chunk: the heading path carries it on.
    kept = [g for g in groups if any(u.kind != "heading" for u in g)]
    groups = kept or groups
    starts = page_starts(blocks)
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        page = page_at(starts, start)
        chunks.append(Chunk(
            chunk_id=f"{doc.doc_id}::{index}", doc_id=doc.doc_id, title=doc.title, source=doc.source, index=index,
            text=doc.text[start:end], start=start, end=end, page=page, heading=HEADING_SEPARATOR.join(group[0].section),
            page_starts=[(o, p) for o, p in starts if start < o < end],
            code_spans=[(b.start, b.end) for b in blocks if b.kind == "code" and start <= b.start and b.end <= end],
        ))
    if max_chunks is not None and len(chunks) > max_chunks:
        raise DocumentTooLarge(f"{doc.doc_id} makes more than {max_chunks:,} chunks, the limit per document: split it, or raise QA_MAX_DOCUMENT_CHUNKS")
    return chunks
