"""A small in-memory stand-in for ``qa.api`` with the same signatures, for UI tests that need no index.

Retrieval is word overlap over sentences; the "generator" quotes the best sentence(s) with markers.
Thread-safe, so the concurrency test can use it as well.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from qa.errors import InvalidQuestion, QAError
from qa.types import NOT_FOUND, Answer, Citation, DocumentInfo, FileProblem, IngestReport, Passage

STOP = set(
    "a an the of in on at to for by with and or is are was were be been how many much what which who whom when where why "
    "did does do it its this that these those there their they he she his her from as into about than then so not".split()
)
_WORD = re.compile(r"[a-z0-9][a-z0-9,.]*[a-z0-9]|[a-z0-9]")
_SENT = re.compile(r"[^.!?\n]+[.!?]?")

SAMPLE_DOCS = {
    "fentanyl.txt": (
        "Fentanyl deaths fall",
        "Overdose deaths have dropped sharply. An estimated 48,422 deaths were linked to fentanyl in 2024, "
        "down from 76,226 in 2022. Officials credit the decline to treatment and enforcement.",
    ),
    "owls.md": (
        "Owls of the forest",
        "The barn owl hunts at night. It can hear a mouse under snow. Barn owls live on every continent except Antarctica.",
    ),
}


def _words(text: str) -> set[str]:
    return {w.strip(",.") for w in _WORD.findall(text.lower())} - STOP


class FakeQA:
    """Same functions as ``qa.api``; ``delay`` is the pause between streamed words."""

    def __init__(self, docs: dict[str, tuple[str, str]] | None = None, delay: float = 0.01, generators: list[str] | None = None):
        self.docs: dict[str, dict] = {}
        self.delay = delay
        self.generators = generators or ["extractive", "local"]
        self.calls: list[dict] = []
        self._lock = threading.Lock()
        for doc_id, (title, text) in (SAMPLE_DOCS if docs is None else docs).items():
            self.docs[doc_id] = {"title": title, "text": text, "source": f"/fake/{doc_id}"}

    # -- answering -------------------------------------------------------------------------------------------
    def _retrieve(self, query: str, k: int) -> list[tuple[float, str, int, int]]:
        q = _words(query)
        found = []
        with self._lock:
            docs = dict(self.docs)
        for doc_id, doc in docs.items():
            for m in _SENT.finditer(doc["text"]):
                s, e = m.start(), m.end()
                while s < e and doc["text"][s].isspace():
                    s += 1
                overlap = len(q & _words(m.group()))
                if overlap:
                    found.append((overlap / max(len(q), 1), doc_id, s, e))
        found.sort(key=lambda f: -f[0])
        return found[:k]

    def ask(self, question: str, *, history: list[tuple[str, str]] | None = None, k: int | None = None,
            generator: str | None = None, store=None, collection=None) -> Answer:
        if not question or not question.strip():
            raise InvalidQuestion("The question is empty: type a question about the documents.")
        if generator and generator not in self.generators:
            raise QAError(f"Unknown generator '{generator}'.")
        self.calls.append({"question": question, "history": list(history or []), "k": k, "generator": generator})
        standalone = question
        if history and len(_words(question)) < 3:  # a follow-up: borrow the previous question's words
            standalone = f"{history[-1][0]} {question}"
        hits = self._retrieve(standalone, k or 5)
        passages = []
        for score, doc_id, s, e in hits:
            doc = self.docs[doc_id]
            passages.append(Passage(doc_id=doc_id, title=doc["title"], chunk_id=f"{doc_id}::0", text=doc["text"],
                                    score=score, start=0, end=len(doc["text"]), source=doc["source"]))
        if not hits or hits[0][0] < 0.3:
            return Answer(question=question, text=NOT_FOUND, grounded=False, passages=passages, generator=generator or "extractive",
                          standalone_question=standalone if standalone != question else None)
        score, doc_id, s, e = hits[0]
        doc = self.docs[doc_id]
        quote = doc["text"][s:e].strip()
        cite = Citation(n=1, doc_id=doc_id, title=doc["title"], chunk_id=f"{doc_id}::0", text=doc["text"], quote=quote,
                        quote_start=s, quote_end=s + len(quote), start=0, end=len(doc["text"]), source=doc["source"])
        return Answer(question=question, text=f"{quote} [1]", citations=[cite], grounded=True, passages=passages,
                      generator=generator or "extractive", verified_sentences=1,
                      standalone_question=standalone if standalone != question else None)

    def ask_stream(self, question: str, **kwargs) -> Iterator[str | Answer]:
        answer = self.ask(question, **kwargs)
        for i, word in enumerate(answer.text.split(" ")):
            time.sleep(self.delay)
            yield word if i == 0 else " " + word
        yield answer

    # -- documents -------------------------------------------------------------------------------------------
    def ingest(self, paths: list[str | Path], *, store=None, collection=None, prune: bool = False,
               progress: Callable[[int, int, str], None] | None = None) -> IngestReport:
        report = IngestReport()
        paths = [Path(p) for p in paths]
        for i, path in enumerate(paths):
            if progress:
                progress(i, len(paths), path.name)
            suffix = path.suffix.lower()
            try:
                if suffix == ".pdf":
                    from pypdf import PdfReader

                    text = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
                elif suffix in (".txt", ".md", ".html", ".htm"):
                    text = path.read_text(encoding="utf-8")
                    if suffix in (".html", ".htm"):
                        text = re.sub(r"<[^>]+>", " ", text)
                else:
                    raise ValueError(f"unknown file type '{suffix}'")
            except Exception as exc:  # noqa: BLE001 - reported, like the real one
                report.failed.append(FileProblem(path=str(path), reason=str(exc)))
                continue
            text = re.sub(r"[ \t]+", " ", text).strip()
            with self._lock:
                (report.replaced if path.name in self.docs else report.added).append(path.name)
                self.docs[path.name] = {"title": path.stem, "text": text, "source": str(path)}
            report.chunks_added += 1
        if progress:
            progress(len(paths), len(paths), "done")
        return report

    def list_documents(self, *, store=None, collection=None) -> list[DocumentInfo]:
        with self._lock:
            return [DocumentInfo(doc_id=d, title=v["title"], source=v["source"], chunks=1) for d, v in sorted(self.docs.items())]

    def remove_documents(self, doc_ids: list[str], *, store=None, collection=None) -> int:
        with self._lock:
            return sum(self.docs.pop(d, None) is not None for d in doc_ids)

    def available_generators(self) -> list[str]:
        return list(self.generators)
