"""A BM25 index (bm25s) over a collection's chunks, kept in step with the Chroma collection.

The Chroma collection is the source of truth.  Every change to it starts by giving the collection a new
revision id; the BM25 index is saved with the revision it reflects.  When the two revisions differ (a run that
crashed half-way, a change made by another process) the index is rebuilt from the collection, so the two can
never silently disagree.  In normal runs the index is updated from the chunks added and removed, and loaded from
disk at start-up (memory-mapped) without re-reading the collection.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
from collections.abc import Collection, Iterable
from pathlib import Path

import numpy as np

from qa.lexical import stems

STATE = "state.json"
_SWAP = threading.Lock()  # one swap of a saved index at a time in this process


class DamagedIndex(Exception):
    """The saved token file cannot be read (cut mid-line, corrupt): the index must be rebuilt from the collection."""


def idf(doc_freq: int, n_docs: int) -> float:
    """BM25's inverse document frequency."""
    return math.log(1 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


class LexicalIndex:
    """BM25 scores of chunks for a query; ``ids[i]`` is the chunk of row i."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.revision: str | None = None
        self.ids: list[str] = []
        self._tokens: dict[str, list[str]] | None = None  # loaded only when the index must change
        self._bm25 = None
        self._doc_freq = None
        self._rows: dict[str, np.ndarray] | None = None  # doc_id -> rows of its chunks, for filters
        self._lock = threading.Lock()

    # --- reading ------------------------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        """The saved index, or an empty one (revision None) when there is none or it is unreadable."""
        index = cls(folder)
        try:
            state = json.loads((index.folder / STATE).read_text())
            index.ids = json.loads((index.folder / "ids.json").read_text())
            if index.ids:
                import bm25s

                index._bm25 = bm25s.BM25.load(str(index.folder / "bm25"), mmap=True, show_progress=False)
            index.revision = state["revision"]
        except (OSError, ValueError, KeyError):
            index.revision, index.ids, index._bm25 = None, [], None
        return index

    def search(self, query: str, k: int, documents: Collection[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) of the k best-matching chunks with a positive score, best first; only chunks of
        ``documents`` (doc_ids; a chunk_id is '<doc_id>::<index>') when given."""
        if self._bm25 is None or not self.ids:
            return []
        tokens = [t for t in stems(query) if t in self._bm25.vocab_dict]
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        if documents:
            keep = np.zeros(len(scores), dtype=bool)
            keep[self.rows_of(documents)] = True
            scores = np.where(keep, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def rows_of(self, documents: Collection[str]) -> np.ndarray:
        """Rows of these documents' chunks (a map from doc_id to rows is built once per index state)."""
        rows = self._rows
        if rows is None:
            found: dict[str, list[int]] = {}
            for row, chunk_id in enumerate(self.ids):
                found.setdefault(chunk_id.rsplit("::", 1)[0], []).append(row)
            rows = self._rows = {d: np.asarray(r, dtype=np.int64) for d, r in found.items()}
        return np.concatenate([rows.get(d, np.empty(0, dtype=np.int64)) for d in documents])

    def idf(self, token: str) -> float:
        """Inverse document frequency of a (stemmed) token; unseen tokens get the highest value."""
        n = len(self.ids)
        if self._bm25 is None or token not in self._bm25.vocab_dict:
            return idf(0, max(n, 1))
        if self._doc_freq is None:
            indptr = np.asarray(self._bm25.scores["indptr"])
            self._doc_freq = np.diff(indptr)
        return idf(int(self._doc_freq[self._bm25.vocab_dict[token]]), n)

    # --- changing -----------------------------------------------------------------------------------------
    def tokens(self) -> dict[str, list[str]]:
        if self._tokens is None:
            self._tokens = {}
            path = self.folder / "tokens.jsonl"
            if path.exists() and self.revision is not None:
                try:
                    with path.open(encoding="utf-8") as fh:
                        for line in fh:
                            chunk_id, toks = json.loads(line)
                            self._tokens[chunk_id] = toks
                except (ValueError, TypeError, UnicodeDecodeError) as exc:  # cut mid-line, or not ours
                    self._tokens, self.revision = None, None
                    raise DamagedIndex(f"the BM25 token file {path} is damaged ({exc})") from exc
        return self._tokens

    def update(self, added: Iterable[tuple[str, str]], removed: Iterable[str]) -> None:
        """Apply changes: (chunk_id, text) pairs added or replaced, chunk_ids removed."""
        toks = self.tokens()
        for chunk_id in removed:
            toks.pop(chunk_id, None)
        for chunk_id, text in added:
            toks[chunk_id] = stems(text)

    def rebuild(self, chunks: Iterable[tuple[str, str]]) -> None:
        """Forget everything and index these (chunk_id, text) pairs."""
        self._tokens = {chunk_id: stems(text) for chunk_id, text in chunks}

    def commit(self, revision: str) -> None:
        """Re-index the tokens, in memory, as reflecting ``revision``, then save them atomically.  A save that fails
        (a full disk) raises, leaves the saved index as it was and removes its partial copy; the index in memory is
        still the new one, so this process can go on searching it."""
        import bm25s

        toks = self.tokens()
        ids = sorted(toks)
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index([toks[i] or [""] for i in ids], show_progress=False)
        with self._lock:
            self.ids, self._bm25, self.revision, self._doc_freq, self._rows = ids, bm25, revision, None, None
        self._save(ids, toks, bm25, revision)

    def _save(self, ids: list[str], toks: dict[str, list[str]], bm25, revision: str) -> None:
        # A folder of its own for each save: a question rebuilding the index and an ingestion committing it may save
        # at the same time (in one process or two); the last swap wins, and both hold a complete index.
        tmp = self.folder.with_name(f"{self.folder.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir(parents=True)
            if bm25 is not None:
                bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "ids.json").write_text(json.dumps(ids))
            with (tmp / "tokens.jsonl").open("w", encoding="utf-8") as fh:
                for i in ids:
                    fh.write(json.dumps([i, toks[i]], ensure_ascii=False) + "\n")
            (tmp / STATE).write_text(json.dumps({"revision": revision, "chunks": len(ids)}))
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with self._lock, _SWAP:
            old = self.folder.with_name(f"{self.folder.name}.old-{os.getpid()}-{threading.get_ident()}")
            shutil.rmtree(old, ignore_errors=True)
            try:
                os.replace(self.folder, old)
            except FileNotFoundError:  # none yet, or another process is swapping in its copy
                pass
            os.replace(tmp, self.folder)
            shutil.rmtree(old, ignore_errors=True)
