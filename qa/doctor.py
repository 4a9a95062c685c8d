"""`qa doctor`: check a store against its manifest and its BM25 index, report, and repair what can be repaired from
the stored chunks (no file is read again).

Checks:
- chunks whose document has no record (left by a run that died before recording it) -> deleted (`qa ingest` redoes it);
- records whose chunks are missing or fewer than recorded -> record and chunks forgotten, so `qa ingest` re-reads the file;
- the vector index (Chroma's index folders) missing or damaged -> every stored chunk re-embedded from its stored text;
- the BM25 index not reflecting the collection (revision, chunk ids, unreadable tokens) -> rebuilt from the stored chunks.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from qa.store import MANIFEST_SUFFIX, ChromaStore
from qa.types import Chunk


class Finding(BaseModel):
    """One problem found in a store."""

    kind: str = Field(description="orphan_chunks, missing_chunks, vector_index or lexical_index.")
    detail: str = Field(description="What is wrong, for people.")
    fix: str = Field(description="What --repair does about it (or what to run).")
    doc_ids: list[str] = Field(default_factory=list, description="Documents concerned, if any.")


class DoctorReport(BaseModel):
    """What `qa doctor` found and, with --repair, what it repaired."""

    location: str
    collection: str
    documents: int
    chunks: int
    findings: list[Finding] = Field(default_factory=list)
    repaired: list[str] = Field(default_factory=list, description="One line per repair made.")

    @property
    def healthy(self) -> bool:
        return not self.findings


def check(store: ChromaStore) -> DoctorReport:
    """Every problem of the store, without changing it."""
    records = store.documents()
    per_doc: Counter[str] = Counter()
    for page in store._pages(store.chunks, include=["metadatas"]):
        per_doc.update(m.get("doc_id", "") for m in page["metadatas"])
    report = DoctorReport(location=store.location, collection=store.name, documents=len(records), chunks=sum(per_doc.values()))
    orphans = sorted(d for d in per_doc if d not in records)
    if orphans:
        report.findings.append(Finding(kind="orphan_chunks", doc_ids=orphans,
                                       detail=f"{sum(per_doc[d] for d in orphans)} chunks of {len(orphans)} unrecorded document(s) (a run that stopped half-way)",
                                       fix="delete them; `qa ingest` on their files adds them again"))
    short = sorted(d for d, r in records.items() if per_doc.get(d, 0) < int(r.get("chunks", 0) or 0) or per_doc.get(d, 0) == 0)
    if short:
        report.findings.append(Finding(kind="missing_chunks", doc_ids=short,
                                       detail=f"{len(short)} document(s) with fewer chunks stored than recorded",
                                       fix="forget them, then run `qa ingest` on their files (listed) to read them again"))
    problem = vector_index_problem(store)
    if problem:
        report.findings.append(Finding(kind="vector_index", detail=f"the vector index is missing or damaged ({problem})",
                                       fix="re-embed every stored chunk from its stored text (no file is read)"))
    lexical = lexical_index_problem(store)
    if lexical:
        report.findings.append(Finding(kind="lexical_index", detail=f"the BM25 index does not match the collection ({lexical})",
                                       fix="rebuild it from the stored chunks"))
    return report


def vector_index_problem(store: ChromaStore) -> str | None:
    """Why the stored vectors cannot all be read, or None."""
    try:
        for page in store._pages(store.chunks, include=["embeddings"]):
            if page["embeddings"] is None or len(page["embeddings"]) != len(page["ids"]):
                return "vectors missing"
    except Exception as exc:  # noqa: BLE001 - Chroma's errors for a lost index folder vary
        return str(exc)
    return None


def lexical_index_problem(store: ChromaStore) -> str | None:
    from qa.lexical_index import DamagedIndex, LexicalIndex

    index = LexicalIndex.load(store.lexical_folder)
    if index.revision != store.revision():
        return f"revision {index.revision} against the collection's {store.revision()}"
    if set(index.ids) != set(store.all_chunk_ids()):
        return "its chunk ids differ from the collection's"
    try:
        index.tokens()
    except DamagedIndex as exc:
        return str(exc)
    return None


def repair(store: ChromaStore, embedder, report: DoctorReport | None = None) -> DoctorReport:
    """Repair what ``check`` finds, holding the store's write lock; returns the report of a fresh check, with the repairs made."""
    with store.writing():
        report = check(store)
        done: list[str] = []
        kinds = {f.kind: f for f in report.findings}
        if "vector_index" in kinds:
            done.append(f"re-embedded {reembed(store, embedder)} chunks from their stored text")
        removed: list[str] = []
        for kind in ("orphan_chunks", "missing_chunks"):
            if kind in kinds:
                for doc_id in kinds[kind].doc_ids:
                    removed += store.delete_document(doc_id)
                done.append(f"forgot {len(kinds[kind].doc_ids)} document(s): {', '.join(kinds[kind].doc_ids)}"
                            + (" - run `qa ingest` on their files" if kind == "missing_chunks" else ""))
        revision = store.begin_change() if removed or "lexical_index" in kinds or "vector_index" in kinds else None
        if revision is not None:
            from qa.lexical_index import LexicalIndex

            store._lexical = LexicalIndex(store.lexical_folder)
            store._lexical.rebuild(store._all_texts())
            store.commit_change(revision, [], [])
            done.append("rebuilt the BM25 index from the stored chunks")
    after = check(store)
    after.repaired = done
    return after


def reembed(store: ChromaStore, embedder) -> int:
    """Recreate the chunk collection from its stored texts and metadata, embedding every chunk again."""
    from qa.ingestion import embedding_text

    rows = [(i, t, m) for page in store._pages(store.chunks, include=["documents", "metadatas"])
            for i, t, m in zip(page["ids"], page["documents"], page["metadatas"])]
    meta = dict(store.client.get_collection(store.name, embedding_function=None).metadata or {})
    store.client.delete_collection(store.name)
    store.chunks = store.client.get_or_create_collection(store.name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}, metadata=meta)
    store.manifest = store.client.get_collection(store.name + MANIFEST_SUFFIX, embedding_function=None)
    chunks = [Chunk(chunk_id=i, doc_id=m["doc_id"], title=m.get("title", ""), source=m.get("source", ""), index=int(m.get("index", 0)), text=t,
                    start=int(m.get("start", 0)), end=int(m.get("end", len(t))), page=m.get("page"), heading=m.get("heading", "")) for i, t, m in rows]
    for n in range(0, len(chunks), 256):
        part = chunks[n : n + 256]
        store.add_chunks(part, embedder.embed_batch([embedding_text(c) for c in part]))
    return len(chunks)
