"""How faithfully real documents are read: are cited quotes whole sentences or blocks, and is a PDF quote's page right?

    qa eval documents --folder DOCS --questions QUESTIONS.jsonl

Each question line: {"question": "...", "doc": "file name the answer is in", "answer": "words the quote should hold"}
("answer" optional).  The folder is ingested into a fresh store, each question asked, and every citation judged:

- fragment: the quote does not start where a sentence (of a paragraph or list item) or a block starts, or does not
  end where one ends;
- page (PDF only): the page the citation names holds the start of the quote (checked against pdfplumber's text of
  that page, white space ignored);
- answered: the quotes of the answer hold the expected words (when given).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DocumentScores:
    """Counts over all questions."""

    questions: int = 0
    answered: int = 0
    right_document: int = 0  # answers whose first source is the document the question is about
    expected: int = 0  # questions with expected words
    found: int = 0  # of those, answered with quotes that hold them
    citations: int = 0
    fragments: list[str] = field(default_factory=list)
    pdf_citations: int = 0
    wrong_pages: list[str] = field(default_factory=list)


def boundaries(doc) -> tuple[set[int], set[int]]:
    """Offsets where a sentence or block starts, and where one ends, in a cleaned document."""
    from qa.chunking import paragraph_blocks, sentence_spans

    starts, ends = set(), set()
    for block in doc.blocks or paragraph_blocks(doc.text):
        starts.add(block.start)
        ends.add(block.end)
        if block.kind in ("paragraph", "list_item"):  # prose: a whole sentence of it is a whole quote
            for span in sentence_spans(block.text, block.start):
                starts.add(span.start)
                ends.add(span.end)
    return starts, ends


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def pdf_pages(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [_squash(page.extract_text() or "") for page in pdf.pages]


def main(folder: str | Path, questions_file: str | Path, generator: str = "extractive", k: int | None = None, keep_store: str | None = None) -> str:
    import qa
    from qa.ingestion import iter_documents
    from qa.types import FileProblem

    folder = Path(folder)
    questions = [json.loads(line) for line in Path(questions_file).read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = {d.doc_id: d for d in iter_documents([folder]) if not isinstance(d, FileProblem)}
    bounds = {doc_id: boundaries(d) for doc_id, d in docs.items()}
    pages = {doc_id: pdf_pages(folder / doc_id) for doc_id in docs if doc_id.lower().endswith(".pdf")}
    store = keep_store or tempfile.mkdtemp(prefix="qa-eval-documents-")
    report = qa.ingest([folder], store=store, collection="documents")
    scores = DocumentScores()
    lines = []
    for q in questions:
        answer = qa.ask(q["question"], k=k, generator=generator, store=store, collection="documents")
        scores.questions += 1
        scores.answered += bool(answer.grounded)
        quotes = " ".join(c.quote for c in answer.citations)
        scores.right_document += bool(answer.citations) and answer.citations[0].doc_id == q.get("doc")
        if q.get("answer"):
            scores.expected += 1
            scores.found += bool(answer.grounded and _squash(q["answer"]) in _squash(quotes))
        for c in answer.citations:
            scores.citations += 1
            starts, ends = bounds.get(c.doc_id, (set(), set()))
            if c.quote_start not in starts or c.quote_end not in ends:
                scores.fragments.append(f"{q['question']} -> {c.doc_id}: {c.quote!r}")
            if c.doc_id in pages:
                scores.pdf_citations += 1
                printed = re.sub(r"(^|\| )[^|:]{1,60}: ", " ", c.quote) if " | " in c.quote else c.quote  # a table row: its cells' values
                head = _squash(printed)[:40]
                if c.page is None or not (1 <= c.page <= len(pages[c.doc_id])) or head not in pages[c.doc_id][c.page - 1]:
                    where = [n for n, text in enumerate(pages[c.doc_id], start=1) if head in text]
                    scores.wrong_pages.append(f"{c.doc_id}: cited p. {c.page}, printed on {where or 'no page found'}: {c.quote[:60]!r}")
        lines.append(f"- {q['question']}\n  {answer.text[:300]}")
    share = lambda n, d: f"{n}/{d} ({100 * n / d:.1f}%)" if d else "0/0"  # noqa: E731
    chunks = sum(d.chunks for d in qa.list_documents(store=store, collection="documents"))
    out = [
        f"Documents: {len(docs)} ({len(pages)} PDF) from {folder}; {chunks} chunks ({report.chunks_added} written now); generator {generator}",
        f"Questions: {scores.questions}; answered {share(scores.answered, scores.questions)}; "
        f"first source the right document {share(scores.right_document, scores.questions)}; "
        f"expected words quoted {share(scores.found, scores.expected)}",
        f"Cited quotes that are fragments: {share(len(scores.fragments), scores.citations)}",
        f"PDF citations with the right page: {share(scores.pdf_citations - len(scores.wrong_pages), scores.pdf_citations)}",
    ]
    out += ["", "Fragments:"] + [f"  {f}" for f in scores.fragments] if scores.fragments else []
    out += ["", "Wrong pages:"] + [f"  {w}" for w in scores.wrong_pages] if scores.wrong_pages else []
    return "\n".join(out + ["", "Answers:", *lines])
