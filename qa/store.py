"""The Chroma adapter: chunk vectors in one collection, one record per document in a companion manifest collection.

Embedded (``PersistentClient`` on a folder) by default; a ``chroma run`` server when a host is given.
Embeddings are always computed by us and passed in, so Chroma never loads (or downloads) a model of its own.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from qa.disk_space import ensure_room, full_error, is_disk_full
from qa.errors import CollectionNotFound, EmbeddingModelMismatch, InvalidCollectionName, StoreDamaged, StoreUnavailable
from qa.store_records import chunk_meta, open_error, passage_of
from qa.store_sharing import reopen_embedded_client, write_lock
from qa.types import Chunk, DocumentInfo, Passage

MANIFEST_SUFFIX = "__docs"
_PAGE = 5000  # records fetched per get() call
WRITE_LOCK = ".write.lock"  # the file beside the store that writers (qa ingest, qa remove, the chat) take in turn


class ChromaStore:
    """Chunks and document records of one collection.  Give exactly one of ``path`` or ``host``.

    ``embedding_model`` is the model a new collection is embedded with.  An existing collection embedded with another
    model is an error, unless ``follow_collection``: then the store reads (and adds to) it with its own model."""

    def __init__(self, collection: str, embedding_model: str, *, path: str | Path | None = None, host: str | None = None, port: int = 8000,
                 create: bool = True, follow_collection: bool = False):
        if (path is None) == (host is None):
            raise ValueError(f"ChromaStore needs exactly one of path or host; got path={path!r}, host={host!r}")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,60}[A-Za-z0-9]", collection):
            raise InvalidCollectionName(f"Collection name {collection!r} is not valid: use 3-62 letters, digits, '.', '_' or '-', starting and ending with a letter or digit.")
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        self.folder = Path(path) if host is None else None  # on our disk: checked for room before each write
        try:
            if host is not None:
                self.client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
                self.client.heartbeat()
                self.location = f"chroma server at {host}:{port}"
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                if not os.access(path, os.W_OK):
                    raise PermissionError("the folder is not writable")
                self.client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
                self.location = str(path)
        except Exception as exc:
            if host is None and is_disk_full(exc, path):
                raise full_error(path, f" ({exc})") from exc
            raise StoreUnavailable(open_error(exc, path, host, port)) from exc
        self.name = collection
        self.embedding_model = embedding_model
        self.chunks = self._collection(collection, create)
        self.manifest = self._collection(collection + MANIFEST_SUFFIX, create)
        if host is not None:
            self.lexical_folder = Path(os.environ.get("QA_CACHE", Path.home() / ".cache" / "qa")) / "lexical" / f"{host}-{port}" / collection
        else:
            self.lexical_folder = Path(path) / "lexical" / collection
        self._lexical = None
        self._refresh_lock = threading.Lock()
        self._seen_revision = (self.chunks.metadata or {}).get("revision")  # what this process last read or wrote
        found = (self.chunks.metadata or {}).get("embedding_model")
        if follow_collection and found:
            self.embedding_model = found
        elif found != embedding_model:
            raise EmbeddingModelMismatch(
                f"Collection {collection!r} was embedded with {found!r}, but the configured model is {embedding_model!r}. "
                f"Use QA_EMBEDDING_MODEL={found} to read it, or ingest into another collection (--collection)."
            )

    def _collection(self, name: str, create: bool):
        if create:
            return self.client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}, metadata={"embedding_model": self.embedding_model}
            )
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            raise CollectionNotFound(f"No collection {name!r} in {self.location}: ingest documents first (`qa ingest corpus/`).") from exc

    # --- revisions, other processes and the lexical index ----------------------------------------------------
    def revision(self) -> str | None:
        """The collection's current revision id (changes with every write)."""
        return (self.client.get_collection(self.name, embedding_function=None).metadata or {}).get("revision")

    def refresh(self) -> bool:
        """Notice a change made by another process (one metadata read): when the collection's revision is not the one
        this process last saw, reopen what caches the collection (the embedded Chroma client's in-memory indexes, the
        BM25 index).  Returns whether anything was reopened."""
        with self._refresh_lock:
            current = self.revision()
            if current == self._seen_revision:
                return False
            if self.folder is not None:
                self._reopen_client()
            self._lexical = None  # loaded again (or rebuilt) on the next search
            self._seen_revision = current
            return True

    def _reopen_client(self) -> None:
        """A fresh embedded client: the old one's in-memory vector index misses chunks another process added, and
        still lists chunks it removed ("Error finding id", None metadata)."""
        self.client = reopen_embedded_client(self.client, self.folder)
        self.chunks = self._collection(self.name, False)
        self.manifest = self._collection(self.name + MANIFEST_SUFFIX, False)

    @contextmanager
    def writing(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's write lock (a file beside the store) while changing it, so that writers in several
        processes take turns; then catch up with what the previous writer changed."""
        with write_lock(self.lock_path(), self.location, timeout):
            self.refresh()
            yield

    def lock_path(self) -> Path:
        """The write lock file: beside the embedded store, or beside the BM25 cache of a server's collection."""
        return (self.folder if self.folder is not None else self.lexical_folder.parent) / (WRITE_LOCK if self.folder is not None else f"{self.name}{WRITE_LOCK}")

    def begin_change(self) -> str:
        """Call before writing: brings the lexical index in step, then gives the collection a new revision, so
        a run that dies before ``commit_change`` leaves a lexical index that is known to be stale."""
        self.lexical()
        ensure_room(self.folder, 0)
        revision = uuid.uuid4().hex
        meta = dict(self.client.get_collection(self.name, embedding_function=None).metadata or {})
        meta["revision"] = revision
        self.chunks.modify(metadata=meta)
        self._seen_revision = revision
        return revision

    def commit_change(self, revision: str, added: Iterable[tuple[str, str]], removed: Iterable[str]) -> None:
        """Record in the lexical index the chunks added ((id, text) pairs) and removed since ``begin_change``.

        The collection gets a final revision first, so that a reader in another process that looked while the change
        was under way sees a revision again and reopens once more."""
        from qa.lexical_index import DamagedIndex

        index = self.lexical_index_unchecked()
        try:
            index.update(added, removed)
        except DamagedIndex:  # its saved tokens are unreadable: rebuilt from the collection, which has every change
            index.rebuild(self._all_texts())
        final = uuid.uuid4().hex
        meta = dict(self.client.get_collection(self.name, embedding_function=None).metadata or {})
        meta["revision"] = final
        self.chunks.modify(metadata=meta)
        self._seen_revision = final
        index.commit(final)

    def lexical_index_unchecked(self):
        from qa.lexical_index import LexicalIndex

        if self._lexical is None:
            self._lexical = LexicalIndex.load(self.lexical_folder)
        return self._lexical

    def lexical(self):
        """The BM25 index, rebuilt from the collection if it does not reflect the collection's revision."""
        from qa.lexical_index import LexicalIndex

        current = self.revision()
        index = self.lexical_index_unchecked()
        if index.revision != current:
            index = self._lexical = LexicalIndex.load(self.lexical_folder)  # another process may have saved it
        if index.revision != current or len(index.ids) != self.count():
            index.rebuild(self._all_texts())
            try:
                index.commit(current or "empty")
            except OSError as exc:  # a full disk: answer from the index in memory; the next write saves it
                if not is_disk_full(exc):
                    raise
                return index
            if current is None:
                meta = dict(self.chunks.metadata or {}, revision="empty")
                self.chunks.modify(metadata=meta)
                self._seen_revision = "empty"
        return index

    def _all_texts(self) -> Iterator[tuple[str, str]]:
        """(chunk id, text) of every chunk in the collection."""
        return ((i, t) for page in self._pages(self.chunks, include=["documents"]) for i, t in zip(page["ids"], page["documents"]))

    # --- chunks -------------------------------------------------------------------------------------------
    def remove_documents(self, doc_ids: Sequence[str]) -> int:
        """Remove documents and their chunks, keeping the lexical index in step.  Returns the chunks removed."""
        revision = self.begin_change()
        removed = [cid for d in doc_ids for cid in self.delete_document(d)]
        self.commit_change(revision, [], removed)
        return len(removed)

    def add_chunks(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Write chunks with their vectors (in batches Chroma accepts)."""
        step = max(1, min(self.client.get_max_batch_size(), 4000))
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            ensure_room(self.folder, sum(len(c.text.encode()) + 200 for c in part) + 4 * sum(len(e) for e in embeddings[i : i + step]))
            self.chunks.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=[list(e) for e in embeddings[i : i + step]],
                documents=[c.text for c in part],
                metadatas=[chunk_meta(c) for c in part],
            )

    def delete_document_chunks(self, doc_id: str) -> list[str]:
        """Delete every chunk of a document; returns their ids."""
        return self.delete_chunks_of([doc_id])

    def delete_chunks_of(self, doc_ids: Sequence[str]) -> list[str]:
        """Delete every chunk of these documents; returns their ids."""
        ids: list[str] = []
        for i in range(0, len(doc_ids), 500):
            ids += self.chunks.get(where={"doc_id": {"$in": list(doc_ids[i : i + 500])}}, include=[])["ids"]
        for i in range(0, len(ids), 5000):
            self.chunks.delete(ids=ids[i : i + 5000])
        return ids

    def chunk_vectors(self, doc_id: str) -> dict[tuple[str, str, str], list[float]]:
        """(title, heading, text) -> vector of a document's stored chunks (to reuse vectors of unchanged chunks: all three
        are embedded, so a chunk whose section changed is embedded again)."""
        got = self.chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas", "embeddings"])
        vectors = got["embeddings"] if got["embeddings"] is not None else []
        return {(m["title"], m.get("heading", ""), text): list(vec) for text, m, vec in zip(got["documents"] or [], got["metadatas"] or [], vectors)}

    def query(self, embedding: Sequence[float], k: int, documents: Sequence[str] | None = None) -> list[Passage]:
        """The k nearest chunks, best first, scored by cosine similarity; only chunks of ``documents`` (doc_ids) when given."""
        if k <= 0:
            return []
        where = {"doc_id": {"$in": list(documents)}} if documents else None
        try:
            got = self.chunks.query(query_embeddings=[list(embedding)], n_results=k, where=where, include=["documents", "metadatas", "distances"])
        except Exception as exc:
            raise self._damaged(exc) from exc
        if any(m is None or t is None for m, t in zip(got["metadatas"][0], got["documents"][0])):
            raise self._damaged(RuntimeError("a chunk listed by the vector index is not in the collection"))
        return [
            passage_of(cid, text, m, 1.0 - float(dist))
            for cid, text, m, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])
        ]

    def get_passages(self, ids: Sequence[str], query_embedding: Sequence[float]) -> list[Passage]:
        """These chunks as passages (in the order given), scored by cosine similarity to the query vector."""
        if not ids:
            return []
        try:
            got = self.chunks.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        except Exception as exc:
            raise self._damaged(exc) from exc
        q = np.asarray(query_embedding, dtype=np.float32)
        found = {
            cid: passage_of(cid, text, m, float(np.dot(np.asarray(e, dtype=np.float32), q)))
            for cid, text, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])
        }
        return [found[i] for i in ids if i in found]

    def _damaged(self, exc: Exception) -> Exception:
        """A read of the vectors failed: the index folders were deleted or damaged (or another process changed the
        store under a client that was not reopened).  Names the repair."""
        if not type(exc).__module__.startswith("chromadb") and not isinstance(exc, RuntimeError):
            return exc
        return StoreDamaged(f"The vector index of collection {self.name!r} in {self.location} is missing or damaged ({exc}). Repair it with "
                            f"`qa doctor --repair{'' if self.name == 'default' else ' --collection ' + self.name}` (re-embeds the stored chunks; no file is read again).")

    def document_passages(self, doc_id: str) -> list[Passage]:
        """Every chunk of one document as passages, in document order (score 0: nothing was asked)."""
        got = self.chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        found = [passage_of(cid, text, m, 0.0) for cid, text, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [])]
        return sorted(found, key=lambda p: p.start)

    def count(self) -> int:
        return self.chunks.count()

    def all_chunk_ids(self) -> list[str]:
        return [i for page in self._pages(self.chunks, include=[]) for i in page["ids"]]

    # --- document manifest --------------------------------------------------------------------------------
    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id -> its record (title, source, file, size, mtime_ns, checksum, chunks)."""
        return {i: m for page in self._pages(self.manifest, include=["metadatas"]) for i, m in zip(page["ids"], page["metadatas"])}

    def put_document(self, doc_id: str, record: dict[str, Any]) -> None:
        """Record a document as fully ingested: written only after all its chunks are stored."""
        self.put_documents({doc_id: record})

    def put_documents(self, records: dict[str, dict[str, Any]]) -> None:
        ids = list(records)
        for i in range(0, len(ids), 5000):
            part = ids[i : i + 5000]
            ensure_room(self.folder, sum(len(str(records[d])) + 100 for d in part))
            self.manifest.upsert(ids=part, embeddings=[[1.0]] * len(part), metadatas=[records[d] for d in part])

    def delete_document(self, doc_id: str) -> list[str]:
        """Forget a document: its record first, then its chunks.  Returns the ids of the chunks removed."""
        self.manifest.delete(ids=[doc_id])
        return self.delete_document_chunks(doc_id)

    def list_documents(self) -> list[DocumentInfo]:
        return sorted(
            (DocumentInfo(doc_id=i, title=m.get("title", i), source=m.get("source", ""), chunks=int(m.get("chunks", 0))) for i, m in self.documents().items()),
            key=lambda d: d.doc_id,
        )

    def collections(self) -> list[str]:
        """Names of the chunk collections in this store (their ``__docs`` manifests left out), sorted."""
        names = [getattr(c, "name", c) for c in self.client.list_collections()]
        return sorted(n for n in names if not n.endswith(MANIFEST_SUFFIX))

    @staticmethod
    def _pages(collection, include: list[str]) -> Iterable[dict]:
        offset = 0
        while True:
            page = collection.get(include=include, limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])


def open_store(store: str | Path | None = None, collection: str | None = None, *, create: bool = True) -> ChromaStore:
    """The store the settings (or these arguments) name: a server when QA_CHROMA_HOST is set, else the folder."""
    from qa.settings import get_settings

    s = get_settings()
    name = collection or s.collection
    # A model set explicitly (QA_EMBEDDING_MODEL) must match the collection's; the default follows the collection,
    # so a store built before the default changed still reads with the model that embedded it.
    follow = "embedding_model" not in s.model_fields_set
    if s.chroma_host and store is None:
        return ChromaStore(name, s.embedding_model, host=s.chroma_host, port=s.chroma_port, create=create, follow_collection=follow)
    return ChromaStore(name, s.embedding_model, path=Path(store) if store is not None else s.store, create=create, follow_collection=follow)
