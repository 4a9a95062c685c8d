"""Typed records for each step of the data flow.

documents -> chunks -> (vectors in the store) -> passages -> answer with citations.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

#: The one fixed phrase an answer carries when the documents do not hold the answer.
NOT_FOUND = "The documents do not contain an answer to this question."


#: What a block of a document is; a block is never cut into sentences unless it is a paragraph.
BlockKind = Literal["paragraph", "heading", "list_item", "table_row", "code"]

#: How a heading path is shown and stored ("12. Virtual Environments › 12.2 Creating Virtual Environments").
HEADING_SEPARATOR = " › "


class Block(BaseModel):
    """One element of a document, as its reader found it: a paragraph, a heading, a list item, a table row or a code
    block.  Readers produce blocks (text, kind, page, heading path); the document's cleaned text is its blocks joined
    by blank lines, and ``start``/``end`` are set then."""

    kind: BlockKind = Field(description="paragraph, heading, list_item, table_row or code.")
    text: str = Field(description="The block's text: a paragraph's wrapped lines joined; a code block exactly as written; a table row as 'Header: value | ...' cells.")
    page: int | None = Field(default=None, description="1-based position of its page in the file (PDF pages, .pptx slides); None for formats without pages.")
    heading_path: list[str] = Field(default_factory=list, description="The headings above the block, outermost first (a heading's own path ends with itself).")
    start: int = Field(default=0, description="Offset of the block in the cleaned document text.")
    end: int = Field(default=0, description="Offset one past its last character in the cleaned document text.")

    @property
    def heading(self) -> str:
        """The heading path as one string, joined by HEADING_SEPARATOR."""
        return HEADING_SEPARATOR.join(self.heading_path)


class Document(BaseModel):
    """A cleaned document, ready to be chunked."""

    doc_id: str = Field(description="Stable id: the path relative to the ingested folder, or the id given in a .jsonl line.")
    title: str = Field(description="The document's headline when it has one, else its file name.")
    source: str = Field(description="Where the document came from: an absolute file path (with '#line' for .jsonl records).")
    text: str = Field(description="The cleaned text; every offset in chunks and citations points into it.")
    checksum: str = Field(description="sha256 of the raw input the document was made from; detects changes.")
    blocks: list[Block] = Field(default_factory=list, description="The document's blocks in order; their offsets point into text. Empty for a document made from plain text alone.")


class Chunk(BaseModel):
    """A run of whole sentences of one document."""

    chunk_id: str = Field(description="'<doc_id>::<index>'; unique in a collection.")
    doc_id: str
    title: str
    source: str
    index: int = Field(description="Position of the chunk in its document, from 0.")
    text: str = Field(description="Exactly document.text[start:end].")
    start: int = Field(description="Offset of the first character in the cleaned document text.")
    end: int = Field(description="Offset one past the last character in the cleaned document text.")
    page: int | None = Field(default=None, description="1-based page (PDF) or slide (.pptx) the chunk starts on; None for formats without pages.")
    heading: str = Field(default="", description="Heading path of the section the chunk is in, joined by HEADING_SEPARATOR; '' when none.")
    page_starts: list[tuple[int, int]] = Field(default_factory=list, description="(document offset, page) where each later page starts inside the chunk; [] when it stays on one page.")
    code_spans: list[tuple[int, int]] = Field(default_factory=list, description="(start, end) document offsets of the code blocks in the chunk: quoted whole, never cut into sentences.")


class Passage(BaseModel):
    """A chunk returned by retrieval, with its relevance score (higher is better)."""

    doc_id: str
    title: str
    chunk_id: str
    text: str
    score: float = Field(description="Relevance to the question; cosine similarity for dense search.")
    start: int = Field(description="Offset of the passage in the cleaned document text.")
    end: int
    source: str = ""
    page: int | None = Field(default=None, description="1-based page or slide the passage starts on; None for formats without pages.")
    heading: str = Field(default="", description="Heading path of the passage's section; '' when none.")
    page_starts: list[tuple[int, int]] = Field(default_factory=list, description="(document offset, page) where each later page starts inside the passage, so a quote's own page is known.")
    code_spans: list[tuple[int, int]] | None = Field(default=None, description="(start, end) document offsets of the code blocks in the passage, quoted whole; None for chunks stored before blocks were kept (their code is told by its look).")


class Citation(BaseModel):
    """One numbered source of an answer: the passage and the sentence(s) in it that support the claim."""

    n: int = Field(description="The number used in the answer text, as in '[1]'.")
    doc_id: str
    title: str
    chunk_id: str
    text: str = Field(description="The whole cited passage.")
    quote: str = Field(description="The sentence(s) of the passage that support the claim.")
    quote_start: int = Field(description="Offset of the quote in the cleaned document text.")
    quote_end: int
    start: int = Field(default=0, description="Offset of the cited passage in the cleaned document text.")
    end: int = Field(default=0, description="Offset one past the cited passage in the cleaned document text.")
    source: str = ""
    page: int | None = Field(default=None, description="1-based page or slide of the quote (of the passage when not known more closely); None for formats without pages.")
    heading: str = Field(default="", description="Heading path of the cited section; '' when none.")


class Answer(BaseModel):
    """The reply to a question."""

    question: str
    text: str = Field(description="The answer, with inline markers [1], [2]... or NOT_FOUND when declined.")
    citations: list[Citation] = Field(default_factory=list, description="One per marker used in text, in order of n.")
    grounded: bool = Field(description="False when the documents do not hold the answer: text is NOT_FOUND and nothing is cited.")
    passages: list[Passage] = Field(default_factory=list, description="What retrieval returned, best first.")
    generator: str = Field(default="extractive", description="Name of the generator that wrote the answer.")
    standalone_question: str | None = Field(default=None, description="The question as rewritten for retrieval (follow-ups).")
    verified_sentences: int = Field(default=0, description="Answer sentences found supported by the passage they cite.")
    unverified_sentences: int = Field(default=0, description="Answer sentences no retrieved passage was found to support.")
    unverified: list[str] = Field(default_factory=list, description="Those sentences, as they stand in text (without markers), so they can be marked.")
    notice: str | None = Field(default=None, description="Something the reader should know, e.g. that the chosen generator failed and another answered.")
    not_covered: list[str] = Field(default_factory=list, description="Figures and names of the question that no cited passage mentions (a partial answer).")
    kind: str = Field(default="lookup", description="The kind of question: lookup, yes_no, list, summary, explanation, howto, comparison, multi_step, opinion (see qa.question_kinds).")


class DocumentInfo(BaseModel):
    """One indexed document, as listed by the store."""

    doc_id: str
    title: str
    source: str
    chunks: int = Field(description="How many chunks of it are in the collection.")


class FileProblem(BaseModel):
    """An input that could not be ingested, and why."""

    path: str
    reason: str


class IngestReport(BaseModel):
    """What an ingestion run did, per document."""

    added: list[str] = Field(default_factory=list, description="doc_ids new to the collection.")
    replaced: list[str] = Field(default_factory=list, description="doc_ids whose content changed; old chunks replaced.")
    skipped: list[str] = Field(default_factory=list, description="doc_ids unchanged since the last ingestion.")
    removed: list[str] = Field(default_factory=list, description="doc_ids pruned because their file is gone.")
    failed: list[FileProblem] = Field(default_factory=list, description="Inputs that were unreadable or of an unknown type.")
    warnings: list[FileProblem] = Field(default_factory=list, description="Ingested inputs with something a user should know, e.g. 'no text on pages 3-7: scanned?', or a new document with the same title as another but different content.")
    chunks_added: int = Field(default=0, description="Chunks written to the store.")
    chunks_embedded: int = Field(default=0, description="Chunks that needed the embedding model (unchanged text reuses vectors).")
    chunks_removed: int = 0
    seconds: float = 0.0
