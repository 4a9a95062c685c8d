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
from pathlib import Path

from qa.chunking import chunk_document
from qa.cleaning import clean_text
from qa.embedding import Embedder
from qa.loaders import InputFile, RawDocument, discover, file_problem, load
from qa.near_duplicates import collapse_near_duplicates
from qa.store import ChromaStore
from qa.types import Chunk, Document, FileProblem, IngestReport

Progress = Callable[[int, int, str], None]  # (files done, files in all, message)


def embedding_text(chunk: Chunk) -> str:
    """What the model embeds for a chunk: its document's title as context, then the chunk.

    A title that is only the document's identifier (a .jsonl record without a "title") says nothing about the text
    and is left out: on RGB, ids such as "rgb12-neg8" in every vector cost 10 points of recall@5."""
    if not chunk.title or chunk.title == chunk.doc_id or chunk.text.startswith(chunk.title):
        return chunk.text
    return f"{chunk.title}\n{chunk.text}"


def to_document(raw: RawDocument) -> Document:
    """Clean a raw document; its title is the format's own, else the headline, else the file name."""
    cleaned = clean_text(raw.text, raw.kind)
    fallback = Path(raw.source.split("#")[0]).stem if raw.kind != "record" else raw.doc_id
    return Document(doc_id=raw.doc_id, title=raw.title or cleaned.title or fallback, source=raw.source, text=cleaned.text, checksum=raw.checksum)


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

    def run(self, paths: list[str | Path], prune: bool = False, show_bar: bool = False) -> IngestReport:
        started = time.perf_counter()
        files, problems = discover(paths)
        self.report.failed.extend(problems)
        seen: set[str] = set()
        bar = _bar(len(files), show_bar)
        for done, file in enumerate(files, start=1):
            seen.update(self._ingest_file(file))
            bar.update(1)
            if self.progress:
                self.progress(done, len(files), file.doc_id)
        self._flush()
        bar.close()
        if prune:
            self._prune([Path(p).expanduser().resolve() for p in paths if Path(p).is_dir()], seen)
        if self._revision is not None:
            self.store.commit_change(self._revision, self._added, self._removed)
        self.report.seconds = round(time.perf_counter() - started, 3)
        return self.report

    def _ingest_file(self, file: InputFile) -> set[str]:
        """Ingest one file; returns the doc_ids it holds (also when skipped)."""
        path = str(file.path)
        problem = file_problem(file.path, self.max_file_bytes)
        if problem:
            self.report.failed.append(FileProblem(path=path, reason=problem))
            return set()
        try:
            stat = file.path.stat()
        except OSError as exc:
            self.report.failed.append(FileProblem(path=path, reason=f"cannot read file: {exc}"))
            return set()
        # file_docs: how many documents the whole file gave (0 = not known yet: a .jsonl file still being read).
        multi = file.path.suffix.lower() == ".jsonl"
        stamp = {"file": path, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "file_docs": 0 if multi else 1}
        unchanged = self.by_file.get(path, [])
        if unchanged and all(self.records[d].get("size") == stat.st_size and self.records[d].get("mtime_ns") == stat.st_mtime_ns
                             and self.records[d].get("file_docs", 1) == len(unchanged) for d in unchanged):
            self.report.skipped.extend(sorted(unchanged))
            return set(unchanged)
        ids: set[str] = set()
        for item in load(file):
            if isinstance(item, FileProblem):
                self.report.failed.append(item)
                continue
            ids.add(self._unique_id(item, path))
            self._ingest_document(item, stamp)
        if multi:  # only a file read to its end may be skipped by size and mtime next time (a run killed half-way is not)
            self._flush()
            done = [d for d in ids if d in self.records]
            self.store.put_documents({d: {**self.records[d], "file_docs": len(done)} for d in done})
            for d in done:
                self.records[d] = {**self.records[d], "file_docs": len(done)}
        return ids

    def _unique_id(self, raw: RawDocument, path: str) -> str:
        """Two files with the same relative path under different folders must not overwrite each other."""
        record = self.records.get(raw.doc_id)
        if record and record.get("file") not in (None, path) and Path(record["file"]).exists():
            raw.doc_id = f"{raw.doc_id}@{hashlib.sha1(path.encode()).hexdigest()[:8]}"
        return raw.doc_id

    def _ingest_document(self, raw: RawDocument, stamp: dict) -> None:
        record = self.records.get(raw.doc_id)
        if record and record.get("checksum") == raw.checksum:
            self.store.put_document(raw.doc_id, {**record, **stamp})  # touched but same content
            self.report.skipped.append(raw.doc_id)
            return
        doc = to_document(raw)
        chunks = collapse_near_duplicates(chunk_document(doc, self.chunk_chars, self.overlap))  # repeats embedded once
        if not chunks:
            self.report.failed.append(FileProblem(path=raw.source, reason="no text left after cleaning"))
            return
        meta = {**stamp, "title": doc.title, "source": doc.source, "checksum": doc.checksum, "chunks": len(chunks)}
        self._pending.append((doc, chunks, meta))
        if sum(len(c) for _, c, _ in self._pending) >= self.batch_chunks:
            self._flush()

    def _flush(self) -> None:
        """Embed the pending documents' new chunks in one batch, then store each document whole."""
        if not self._pending:
            return
        reuse: dict[tuple[str, str], list[float]] = {}
        for doc, _, _ in self._pending:
            if doc.doc_id in self.records:
                reuse.update(self.store.chunk_vectors(doc.doc_id))
        todo = [c for _, chunks, _ in self._pending for c in chunks if (c.title, c.text) not in reuse]
        fresh = dict(zip((c.chunk_id for c in todo), self.embedder.embed_batch([embedding_text(c) for c in todo])))
        self.report.chunks_embedded += len(todo)
        self._begin_writing()
        replaced = [doc.doc_id for doc, _, _ in self._pending if doc.doc_id in self.records]
        if replaced:
            self._forget(self.store.delete_chunks_of(replaced))
        batch = [c for _, chunks, _ in self._pending for c in chunks]
        self.store.add_chunks(batch, [fresh[c.chunk_id] if c.chunk_id in fresh else reuse[(c.title, c.text)] for c in batch])
        self._added.extend((c.chunk_id, c.text) for c in batch)
        # Records last: a document is recorded only once all its chunks are stored.
        self.store.put_documents({doc.doc_id: meta for doc, _, meta in self._pending})
        for doc, chunks, meta in self._pending:
            (self.report.replaced if doc.doc_id in self.records else self.report.added).append(doc.doc_id)
            self.records[doc.doc_id] = meta
            self.report.chunks_added += len(chunks)
        self._pending.clear()

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


def _bar(total: int, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingesting", disable=not show or total < 20, dynamic_ncols=True)


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
