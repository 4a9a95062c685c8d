"""What ingestion makes of one file, without a store: its blocks and its chunks (for `qa inspect` and tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.errors import QAError


class InspectError(QAError):
    """A path that cannot be inspected."""


def inspect_file(path: str | Path, chunk_chars: int | None = None, overlap: int | None = None) -> dict[str, Any]:
    """{'documents': [{doc_id, title, blocks: [...], chunks: [...]}], 'problems': [...], 'warnings': [...]}."""
    from qa.blocks import DocumentTooLarge
    from qa.ingestion import chunks_of, to_document
    from qa.loaders import InputFile, file_problem, load
    from qa.settings import get_settings

    s = get_settings()
    file = Path(path).expanduser()
    if not file.is_file():
        raise InspectError(f"{file} is not a file")
    out: dict[str, Any] = {"documents": [], "problems": [], "warnings": []}
    problem = file_problem(file, int(s.max_file_mb * 2**20))
    if problem:
        out["problems"].append(problem)
        return out
    for item in load(InputFile(file.resolve(), file.name, None)):
        if not hasattr(item, "blocks"):
            out["problems"].append(f"{item.path}: {item.reason}")
            continue
        out["warnings"] += item.warnings
        doc = to_document(item)
        try:
            chunks = chunks_of(doc, chunk_chars or s.chunk_chars, s.chunk_overlap_sentences if overlap is None else overlap)
        except DocumentTooLarge as exc:
            out["problems"].append(str(exc))
            chunks = []
        out["documents"].append({
            "doc_id": doc.doc_id,
            "title": doc.title,
            "blocks": [{"kind": b.kind, "page": b.page, "heading_path": b.heading_path, "start": b.start, "end": b.end, "text": b.text} for b in doc.blocks],
            "chunks": [{"chunk_id": c.chunk_id, "page": c.page, "heading": c.heading, "start": c.start, "end": c.end,
                        "page_starts": c.page_starts, "text": c.text} for c in chunks],
        })
    return out
