"""Files -> documents -> chunks -> vectors in the store, idempotently.

A file whose size and modification time match its record is skipped without being read; a document whose
checksum matches is skipped without being embedded; a changed document replaces its old chunks (vectors of
sentences-identical chunks are reused).  A document's record is written only after all its chunks are stored,
so a run killed half-way leaves no document half-recorded: the next run redoes it.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from qa.chunking import chunk_document
from qa.blocks import DocumentTooLarge, assemble
from qa.cleaning import clean_blocks
from qa.embedding import Embedder
from qa.ingest_pipeline import ChunkBar, read_ahead, reader
from qa.loaders import InputFile, RawDocument, discover, file_problem, load
from qa.near_duplicates import collapse_near_duplicates
from qa.store import ChromaStore
from qa.types import HEADING_SEPARATOR, Chunk, Document, FileProblem, IngestReport

Progress = Callable[[int, int, str], None]  # (files done, files in all, message)

#: How documents are read and chunked.  Raise it when a change to readers, cleaning or chunking alters the chunks an
#: unchanged file gives: a document recorded under another version is read again (its unchanged chunks keep their
#: vectors), so a store built by an older release does not keep answering from its old chunks.
READING_VERSION = 7  # 7: HTML comments in Markdown are not text; 6: a two-column labelled list laid out as an HTML table read as terms and descriptions; 5: an HTML list item of several paragraphs read as its first, then the rest around its code; 4: code blocks' spans kept with chunks, PDF code with wide leading joined, no sentence end inside a word (3: never released); 2: typed blocks, sections and pages (1: sentence chunks of plain text, recorded without a version)


def embedding_text(chunk: Chunk) -> str:
    """What the model embeds for a chunk: its document's title and its section's heading path as context, then the chunk.

    A title that is only the document's identifier (a .jsonl record without a "title") says nothing about the text
    and is left out: on RGB, ids such as "rgb12-neg8" in every vector cost 10 points of recall@5.  Context the chunk
    already opens with (a heading that is its first line) is not repeated."""
    context = []
    if chunk.title and chunk.title != chunk.doc_id:
        context.append(chunk.title)
    headings = [h for h in chunk.heading.split(HEADING_SEPARATOR) if h and h not in context] if chunk.heading else []
    context += headings
    context = [c for c in context if not chunk.text.startswith(c)]
    return "\n".join([*context, chunk.text])


def to_document(raw: RawDocument) -> Document:
    """Clean a raw document's blocks and lay them out as its text; its title is the format's own, else the headline
    (or first heading), else the file name."""
    blocks, headline = clean_blocks(raw.blocks, raw.kind)
    text, placed = assemble(blocks)
    fallback = Path(raw.source.split("#")[0]).stem if raw.kind != "record" else raw.doc_id
    return Document(doc_id=raw.doc_id, title=raw.title or headline or fallback, source=raw.source, text=text, checksum=raw.checksum, blocks=placed)


def chunks_of(doc: Document, chunk_chars: int, overlap: int) -> list[Chunk]:
    """A document's chunks, at most QA_MAX_DOCUMENT_CHUNKS of them (DocumentTooLarge past that)."""
    from qa.settings import get_settings

    return chunk_document(doc, chunk_chars, overlap, max_chunks=get_settings().max_document_chunks)


class Ingestion:
    """One ingestion run into one store."""

    def __init__(self, store: ChromaStore, embedder: Embedder, *, chunk_chars: int = 700, overlap: int = 1, batch_chunks: int = 256,
                 progress: Progress | None = None, max_file_bytes: int | None = None):
        self.max_file_bytes = max_file_bytes
        self.store, self.embedder = store, embedder
        self.chunk_chars, self.overlap, self.batch_chunks = chunk_chars, overlap, batch_chunks
        self.progress = progress
        self.report = IngestReport()
        self.records = store.documents()
        self.by_file: dict[str, list[str]] = defaultdict(list)
        for doc_id, record in self.records.items():
            self.by_file[record.get("file", "")].append(doc_id)
        self._pending: list[tuple[Document, list[Chunk], dict]] = []
        self._revision: str | None = None  # set at the first write; the lexical index follows at the end
        self._added: list[tuple[str, str]] = []
        self._removed: list[str] = []
        # The pipeline: files are read in a worker while the model embeds one batch in a thread and this thread
        # cleans and chunks the next; batches are written to the store in order, records last.
        self._embedding: ThreadPoolExecutor | None = None
        self._in_flight: tuple[list, dict, list[Chunk], Future | None] | None = None
        self._bar = None
        self._queued = 0  # chunks sent to be embedded so far

    def run(self, paths: list[str | Path], prune: bool = False, show_bar: bool = False) -> IngestReport:
        started = time.perf_counter()
        files, problems = discover(paths)
        self.report.failed.extend(problems)
        seen: set[str] = set()
        checked = [(file, self._check_file(file)) for file in files]
        to_read = [file for file, (_, known) in checked if known is None]
        self._bar = ChunkBar(to_read, self.chunk_chars, show_bar)
        files_reader, self._embedding = reader(len(to_read)), ThreadPoolExecutor(1, thread_name_prefix="embed")
        try:
            loaded = read_ahead(files_reader, to_read)
            for done, (file, (stamp, known)) in enumerate(checked, start=1):
                if known is not None:
                    seen.update(known)
                elif stamp is not None:
                    seen.update(self._ingest_loaded(file, stamp, next(loaded)))
                if self.progress:
                    self.progress(done, len(files), file.doc_id)
            self._flush(wait=True)
        finally:
            files_reader.shutdown(wait=False, cancel_futures=True)
            self._embedding.shutdown(wait=True, cancel_futures=True)
            self._bar.close()
        if prune:
            self._prune([Path(p).expanduser().resolve() for p in paths if Path(p).is_dir()], seen)
        if self._revision is not None:
            self.store.commit_change(self._revision, self._added, self._removed)
        self.report.seconds = round(time.perf_counter() - started, 3)
        return self.report

    def _check_file(self, file: InputFile) -> tuple[dict | None, set[str] | None]:
        """Before reading: (the file's stamp, None) when it must be read; (None, its doc_ids) when unchanged since its
        record (skipped unread); (None, None) when it cannot be read (reported)."""
        path = str(file.path)
        problem = file_problem(file.path, self.max_file_bytes)
        if problem:
            self.report.failed.append(FileProblem(path=path, reason=problem))
            return None, set()
        try:
            stat = file.path.stat()
        except OSError as exc:
            self.report.failed.append(FileProblem(path=path, reason=f"cannot read file: {exc}"))
            return None, set()
        # file_docs: how many documents the whole file gave (0 = not known yet: a .jsonl file still being read).
        multi = file.path.suffix.lower() == ".jsonl"
        stamp = {"file": path, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "file_docs": 0 if multi else 1, "reading": READING_VERSION}
        unchanged = self.by_file.get(path, [])
        if unchanged and all(self.records[d].get("size") == stat.st_size and self.records[d].get("mtime_ns") == stat.st_mtime_ns
                             and self.records[d].get("file_docs", 1) == len(unchanged) and _read_alike(self.records[d]) for d in unchanged):
            self.report.skipped.extend(sorted(unchanged))
            return None, set(unchanged)
        return stamp, None

    def _ingest_loaded(self, file: InputFile, stamp: dict, items: list) -> set[str]:
        """Chunk (and queue for embedding) the documents read from one file; returns their doc_ids."""
        path, multi = str(file.path), stamp["file_docs"] == 0
        ids: set[str] = set()
        for item in items:
            if isinstance(item, FileProblem):
                self.report.failed.append(item)
                continue
            ids.add(self._unique_id(item, path))
            self._ingest_document(item, stamp)
        if multi:  # only a file read to its end may be skipped by size and mtime next time (a run killed half-way is not)
            self._flush(wait=True)
            done = [d for d in ids if d in self.records]
            self.store.put_documents({d: {**self.records[d], "file_docs": len(done)} for d in done})
            for d in done:
                self.records[d] = {**self.records[d], "file_docs": len(done)}
        self._bar.read(file, self._queued + sum(len(c) for _, c, _ in self._pending))
        return ids

    def _unique_id(self, raw: RawDocument, path: str) -> str:
        """Two files with the same relative path under different folders must not overwrite each other."""
        record = self.records.get(raw.doc_id)
        if record and record.get("file") not in (None, path) and Path(record["file"]).exists():
            raw.doc_id = f"{raw.doc_id}@{hashlib.sha1(path.encode()).hexdigest()[:8]}"
        return raw.doc_id

    def _ingest_document(self, raw: RawDocument, stamp: dict) -> None:
        record = self.records.get(raw.doc_id)
        if record and record.get("checksum") == raw.checksum and _read_alike(record):
            self.store.put_document(raw.doc_id, {**record, **stamp})  # touched but same content
            self.report.skipped.append(raw.doc_id)
            return
        self.report.warnings.extend(FileProblem(path=raw.source, reason=w) for w in raw.warnings)
        doc = to_document(raw)
        try:
            chunks = collapse_near_duplicates(chunks_of(doc, self.chunk_chars, self.overlap))  # repeats embedded once
        except DocumentTooLarge as exc:
            self.report.failed.append(FileProblem(path=raw.source, reason=str(exc)))
            return
        if not chunks:
            self.report.failed.append(FileProblem(path=raw.source, reason="no text left after cleaning"))
            return
        meta = {**stamp, "title": doc.title, "source": doc.source, "checksum": doc.checksum, "chunks": len(chunks)}
        self._pending.append((doc, chunks, meta))
        if sum(len(c) for _, c, _ in self._pending) >= self.batch_chunks:
            self._flush()

    def _flush(self, wait: bool = False) -> None:
        """Send the pending documents' new chunks to be embedded (in a thread, one batch at a time), after writing the
        batch embedded before; with ``wait``, also write this one.  Batches are written in order."""
        if self._pending:
            batch, self._pending = self._pending, []
            self._queued += sum(len(chunks) for _, chunks, _ in batch)
            reuse: dict[tuple[str, str, str], list[float]] = {}
            for doc, _, _ in batch:
                if doc.doc_id in self.records:
                    reuse.update(self.store.chunk_vectors(doc.doc_id))
            todo = [c for _, chunks, _ in batch for c in chunks if _reuse_key(c) not in reuse]
            texts = [embedding_text(c) for c in todo]
            if self._embedding is None:  # called outside run()
                self._embedding = ThreadPoolExecutor(1, thread_name_prefix="embed")
            future = self._embedding.submit(self.embedder.embed_batch, texts) if texts else None
            previous, self._in_flight = self._in_flight, (batch, reuse, todo, future)
            if previous is not None:
                self._write(*previous)
        if wait and self._in_flight is not None:
            previous, self._in_flight = self._in_flight, None
            self._write(*previous)

    def _write(self, batch: list[tuple[Document, list[Chunk], dict]], reuse: dict, todo: list[Chunk], future: Future | None) -> None:
        """Store one embedded batch: old chunks of replaced documents out, the new chunks in, then the records."""
        fresh = dict(zip((c.chunk_id for c in todo), future.result() if future is not None else []))
        self.report.chunks_embedded += len(todo)
        self._begin_writing()
        replaced = [doc.doc_id for doc, _, _ in batch if doc.doc_id in self.records]
        if replaced:
            self._forget(self.store.delete_chunks_of(replaced))
        chunks = [c for _, cs, _ in batch for c in cs]
        self.store.add_chunks(chunks, [fresh[c.chunk_id] if c.chunk_id in fresh else reuse[_reuse_key(c)] for c in chunks])
        self._added.extend((c.chunk_id, c.text) for c in chunks)
        # Records last: a document is recorded only once all its chunks are stored.
        self.store.put_documents({doc.doc_id: meta for doc, _, meta in batch})
        for doc, cs, meta in batch:
            (self.report.replaced if doc.doc_id in self.records else self.report.added).append(doc.doc_id)
            self.records[doc.doc_id] = meta
            self.report.chunks_added += len(cs)
        if self._bar is not None:
            self._bar.stored(len(chunks))

    def _begin_writing(self) -> None:
        if self._revision is None:
            self._revision = self.store.begin_change()

    def _forget(self, chunk_ids: list[str]) -> None:
        self.report.chunks_removed += len(chunk_ids)
        self._removed.extend(chunk_ids)

    def _prune(self, roots: list[Path], seen: set[str]) -> None:
        """Remove documents that came from these folders but whose files are gone (or no longer hold them)."""
        for doc_id, record in list(self.records.items()):
            file = record.get("file", "")
            if doc_id in seen or not any(file.startswith(str(root) + os.sep) for root in roots):
                continue
            self._begin_writing()
            self._forget(self.store.delete_document(doc_id))
            self.records.pop(doc_id)
            self.report.removed.append(doc_id)


def iter_documents(paths: list[str | Path]) -> Iterator[Document | FileProblem]:
    """Every cleaned document under these paths (no store involved); for inspection and evaluation."""
    files, problems = discover(paths)
    yield from problems
    for file in files:
        problem = file_problem(file.path)
        if problem:
            yield FileProblem(path=str(file.path), reason=problem)
            continue
        for item in load(file):
            yield item if isinstance(item, FileProblem) else to_document(item)


def _reuse_key(chunk: Chunk) -> tuple[str, str, str]:
    """What a stored vector was made from (besides the model): the chunk's title, heading and text."""
    return chunk.title, chunk.heading, chunk.text


def _read_alike(record: dict) -> bool:
    """Was this document recorded by the reading and chunking of this release?"""
    return record.get("reading", 1) == READING_VERSION
