"""Typed records for each step of the data flow.

documents -> chunks -> (vectors in the store) -> passages -> answer with citations.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

#: The one fixed phrase an answer carries when the documents do not hold the answer.
NOT_FOUND = "The documents do not contain an answer to this question."


class Document(BaseModel):
    """A cleaned document, ready to be chunked."""

    doc_id: str = Field(description="Stable id: the path relative to the ingested folder, or the id given in a .jsonl line.")
    title: str = Field(description="The document's headline when it has one, else its file name.")
    source: str = Field(description="Where the document came from: an absolute file path (with '#line' for .jsonl records).")
    text: str = Field(description="The cleaned text; every offset in chunks and citations points into it.")
    checksum: str = Field(description="sha256 of the raw input the document was made from; detects changes.")


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
    chunks_added: int = Field(default=0, description="Chunks written to the store.")
    chunks_embedded: int = Field(default=0, description="Chunks that needed the embedding model (unchanged text reuses vectors).")
    chunks_removed: int = 0
    seconds: float = 0.0
