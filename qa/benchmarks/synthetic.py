"""Synthetic collections for the store-scaling part of the benchmark.

Embedding 100k chunks with the real model would take hours on a small CPU, so the 1k/10k/100k collections are
built from deterministic synthetic text (pseudo-words with a Zipf distribution, English function words, and
"fact" sentences holding figures that questions can ask for) and embedded with a fast hashed-word random
projection into the model's 384 dimensions.  Questions are still embedded by the real model, so query latency
includes the real cost of embedding a question; only the stored vectors are synthetic (the report says so).

Collections are cached under ``<cache>/bench/`` and reused by later runs.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.embedding import Embedder
from qa.types import Chunk

VERSION = 1  # bump when the generator or the layout changes: cached collections are rebuilt
DIMS = 384  # all-MiniLM-L6-v2's
MODEL_DIMS = {"all-MiniLM-L6-v2": 384, "all-mpnet-base-v2": 768, "bge-small-en-v1.5": 384}  # synthetic vectors have the labelled model's size
VECTORS_NOTE = "synthetic text, hashed-word random-projection vectors (qa.benchmarks.synthetic), not the model's"

FUNCTION_WORDS = ("the of and to in a was for on that with as by at from is were it its this which an be had has "
                  "their after over under between into during than also more most after about new").split()
ORGS = ("council", "ministry", "agency", "board", "institute", "bureau", "commission", "office", "registry", "guild",
        "authority", "tribunal", "assembly", "observatory", "cooperative")
VERBS = ("reported", "counted", "recorded", "listed", "estimated", "registered", "catalogued", "tallied")
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ar", "en", "ol")]


@dataclass
class Fact:
    question: str
    answer: str
    doc_id: str
    chunk_id: str = ""


class SyntheticCorpus:
    """Deterministic pseudo-English documents; the same seed always gives the same text."""

    def __init__(self, seed: int = 0, vocabulary: int = 30000, chunk_chars: int = 700, overlap: int = 1):
        self.seed, self.chunk_chars, self.overlap = seed, chunk_chars, overlap
        rng = random.Random(seed)
        words: dict[str, None] = {}
        while len(words) < vocabulary:
            words["".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))] = None
        self.vocab = list(words)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.vocab))]
        self._cum = list(np.cumsum(weights))
        self.rare = self.vocab[2000:]  # names and things questions ask about: rarer words

    def _words(self, rng: random.Random, n: int) -> list[str]:
        content = rng.choices(self.vocab, cum_weights=self._cum, k=n)
        return [w if rng.random() > 0.35 else rng.choice(FUNCTION_WORDS) for w in content]

    def _fact(self, rng: random.Random, doc_id: str) -> tuple[str, Fact]:
        year, org, verb = rng.randint(1950, 2024), rng.choice(ORGS), rng.choice(VERBS)
        place, thing = rng.choice(self.rare).capitalize(), rng.choice(self.rare) + "s"
        figure = f"{rng.randint(120, 990_000):,}"
        sentence = f"In {year}, the {org} of {place} {verb} {figure} {thing}."
        question = f"How many {thing} did the {org} of {place} record in {year}?"
        return sentence, Fact(question, figure, doc_id)

    def _sentence(self, rng: random.Random) -> str:
        ws = self._words(rng, rng.randint(8, 24))
        return " ".join([ws[0].capitalize()] + ws[1:]) + "."

    def document(self, number: int, n_chunks: int) -> tuple[str, str, list[Chunk], list[Fact]]:
        """(doc_id, title, chunks, facts) of document ``number``, with at most ``n_chunks`` chunks."""
        rng = random.Random(f"{self.seed}-{number}")
        doc_id = f"synthetic-{number:06d}.txt"
        title = f"{rng.choice(self.rare).capitalize()} {rng.choice(self.rare).capitalize()} {rng.choice(('review', 'annual report', 'survey', 'bulletin'))}"
        sentences: list[str] = []
        facts: dict[int, Fact] = {}  # sentence number -> the fact it states
        length = 0
        while length < n_chunks * self.chunk_chars * 0.85:
            if rng.random() < 0.25:
                sentence, facts[len(sentences)] = self._fact(rng, doc_id)
            else:
                sentence = self._sentence(rng)
            sentences.append(sentence)
            length += len(sentence) + 1
        chunks, groups = self._chunk(doc_id, title, sentences, n_chunks)
        kept = []
        for i, fact in facts.items():  # a fact counts when a kept chunk holds its sentence
            where = next((c for c, g in zip(chunks, groups) if i in g), None)
            if where is not None:
                fact.chunk_id = where.chunk_id
                kept.append(fact)
        return doc_id, title, chunks, kept

    def _chunk(self, doc_id: str, title: str, sentences: list[str], limit: int) -> tuple[list[Chunk], list[list[int]]]:
        """Whole sentences packed into chunks of at most chunk_chars, with overlap, as qa.chunking does.
        Returns the chunks and, for each, the numbers of the sentences it holds."""
        spans, pos = [], 0
        for s in sentences:
            spans.append((pos, pos + len(s)))
            pos += len(s) + 1
        text = " ".join(sentences)
        groups: list[list[int]] = []
        current: list[int] = []
        for i, (_, end) in enumerate(spans):
            if current and end - spans[current[0]][0] > self.chunk_chars:
                groups.append(current)
                carry = current[-self.overlap:] if self.overlap > 0 else []
                current = carry if carry and end - spans[carry[0]][0] <= self.chunk_chars else []
            current.append(i)
        if current:
            groups.append(current)
        groups = groups[:limit]
        chunks = [
            Chunk(chunk_id=f"{doc_id}::{n}", doc_id=doc_id, title=title, source=f"synthetic://{doc_id}", index=n,
                  text=text[spans[g[0]][0]:spans[g[-1]][1]], start=spans[g[0]][0], end=spans[g[-1]][1])
            for n, g in enumerate(groups)
        ]
        return chunks, groups

    def chunks(self, total: int, per_document: tuple[int, int] = (4, 14)) -> Iterator[tuple[list[Chunk], list[Fact]]]:
        """Documents (as their chunks and facts) until exactly ``total`` chunks have been produced."""
        made, number = 0, 0
        sizes = random.Random(f"{self.seed}-sizes")
        while made < total:
            want = min(sizes.randint(*per_document), total - made)
            _, _, chunks, facts = self.document(number, want)
            made += len(chunks)
            number += 1
            yield chunks, facts


class HashEmbedder(Embedder):
    """A fast deterministic embedding: the sum of fixed random vectors of a text's hashed words, normalised.
    Texts sharing words get similar vectors; nothing here knows meaning.  For building big test collections."""

    name = "hashed-words"

    def __init__(self, dims: int = DIMS, buckets: int = 1 << 15, seed: int = 0):
        self.dims = dims
        self.buckets = buckets
        self.table = np.random.default_rng(seed).standard_normal((buckets, dims), dtype=np.float32)
        self._bucket: dict[str, int] = {}
        self._word = re.compile(r"\w+")
        self.center: np.ndarray | None = None

    def fit_center(self, texts: Sequence[str]) -> None:
        """Subtract these texts' mean vector from now on, so that unrelated texts come out near-orthogonal (as with
        a real model) instead of all sharing the direction of the most frequent words."""
        self.center = None
        self.center = self.embed_matrix(texts, normalize=False).mean(axis=0)

    def _ids(self, text: str) -> list[int]:
        out, cache = [], self._bucket
        for w in self._word.findall(text.lower()):
            b = cache.get(w)
            if b is None:
                b = cache[w] = zlib.crc32(w.encode()) % self.buckets
            out.append(b)
        return out or [0]

    def embed_matrix(self, texts: Sequence[str], normalize: bool = True) -> np.ndarray:
        """(len(texts), dims) float32, unit rows."""
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        ids = [self._ids(t) for t in texts]
        offsets = np.cumsum([0] + [len(i) for i in ids[:-1]])
        sums = np.add.reduceat(self.table[np.fromiter((b for i in ids for b in i), dtype=np.int64)], offsets, axis=0)
        sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
        if not normalize:
            return sums
        if self.center is not None:
            sums -= self.center
        return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        return self.embed_matrix(texts).tolist()


@dataclass
class SyntheticIndex:
    """A cached synthetic collection: where it is, its size, and questions whose answers it holds."""

    path: Path
    collection: str
    chunks: int
    questions: list[dict] = field(default_factory=list)
    build_seconds: float = 0.0
    reused: bool = False


def synthetic_index(root: Path, n_chunks: int, model_name: str, *, seed: int = 0, questions: int = 200,
                    progress: Callable[[str], None] | None = None) -> SyntheticIndex:
    """The collection of ``n_chunks`` synthetic chunks under ``root``, built unless a complete one is cached.

    The collection is labelled with ``model_name`` and its vectors have that model's dimensions, so the real
    search and answer code opens it unchanged; its metadata says its vectors are synthetic."""
    from qa.store import ChromaStore

    folder = Path(root) / f"synthetic-v{VERSION}-seed{seed}-{n_chunks}-{model_name}"
    name = f"synthetic-{n_chunks}"
    marker = folder / "complete.json"
    if marker.exists():
        try:
            info = json.loads(marker.read_text())
            if info.get("chunks") == n_chunks and info.get("model") == model_name:
                store = ChromaStore(name, model_name, path=folder, create=False)
                if store.count() == n_chunks:
                    return SyntheticIndex(folder, name, n_chunks, info["questions"], info.get("build_seconds", 0.0), reused=True)
        except Exception:  # anything wrong with the cache: rebuild it
            pass
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    store = ChromaStore(name, model_name, path=folder)
    store.chunks.modify(metadata={**(store.chunks.metadata or {}), "bench_vectors": VECTORS_NOTE})
    corpus, embedder = SyntheticCorpus(seed), HashEmbedder(dims=MODEL_DIMS.get(model_name, DIMS), seed=seed)
    revision = store.begin_change()
    added: list[tuple[str, str]] = []
    sample: list[dict] = []
    picker = random.Random(f"{seed}-questions")
    seen_facts = 0
    batch: list[Chunk] = []
    records: dict[str, dict] = {}

    def flush() -> None:
        if not batch:
            return
        if embedder.center is None:
            embedder.fit_center([f"{c.title}\n{c.text}" for c in batch[:2000]])
        vectors = embedder.embed_matrix([f"{c.title}\n{c.text}" for c in batch])
        store.add_chunks(batch, vectors.tolist())
        store.put_documents(records)
        added.extend((c.chunk_id, c.text) for c in batch)
        batch.clear()
        records.clear()
        if progress and (len(added) >= n_chunks or len(added) // 20000 != (len(added) - len(vectors)) // 20000):
            progress(f"synthetic {n_chunks:,}: {len(added):,} chunks written ({time.perf_counter() - started:.0f}s)")

    for chunks, facts in corpus.chunks(n_chunks):
        for fact in facts:  # reservoir sample of answerable questions
            seen_facts += 1
            slot = len(sample) if len(sample) < questions else picker.randrange(seen_facts)
            if slot < questions:
                item = {"question": fact.question, "answer": fact.answer, "doc_id": fact.doc_id, "chunk_id": fact.chunk_id}
                sample.append(item) if slot == len(sample) else sample.__setitem__(slot, item)
        first = chunks[0]
        records[first.doc_id] = {"title": first.title, "source": first.source, "file": "", "size": 0, "mtime_ns": 0,
                                 "checksum": f"synthetic-{VERSION}-{seed}-{first.doc_id}-{len(chunks)}", "chunks": len(chunks)}
        batch.extend(chunks)
        if len(batch) >= 4000:
            flush()
    flush()
    store.commit_change(revision, added, [])
    seconds = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps({"chunks": n_chunks, "model": model_name, "seed": seed, "version": VERSION, "vectors": VECTORS_NOTE,
                                  "build_seconds": seconds, "questions": sample}, indent=1))
    return SyntheticIndex(folder, name, n_chunks, sample, seconds, reused=False)
