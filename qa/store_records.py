"""How chunks are written to and read from Chroma records, and why a store could not be opened (pure functions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qa.blocks import decode_pairs, encode_pairs
from qa.types import Chunk, Passage


def chunk_meta(c: Chunk) -> dict[str, Any]:
    """A chunk's Chroma metadata (Chroma holds no None: a missing page or page list is left out)."""
    meta = {"doc_id": c.doc_id, "title": c.title, "source": c.source, "index": c.index, "start": c.start, "end": c.end, "heading": c.heading}
    if c.page is not None:  # Chroma metadata holds no None
        meta["page"] = c.page
    if c.page_starts:
        meta["page_starts"] = encode_pairs(c.page_starts)
    meta["code_spans"] = encode_pairs(c.code_spans)  # '' when none: present, so the passage knows it has no code
    return meta


def passage_of(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    """A stored chunk as a passage (chunks stored before pages and headings were kept read as having neither)."""
    page = meta.get("page")
    return Passage(doc_id=meta["doc_id"], title=meta["title"], chunk_id=chunk_id, text=text, score=score, start=int(meta["start"]),
                   end=int(meta["end"]), source=meta.get("source", ""), page=int(page) if page is not None else None, heading=meta.get("heading", ""),
                   page_starts=decode_pairs(meta.get("page_starts")),
                   code_spans=decode_pairs(meta["code_spans"]) if "code_spans" in meta else None)


def open_error(exc: Exception, path: str | Path | None, host: str | None, port: int) -> str:
    """Why a store could not be opened, with the fix that fits: a server not running, a folder this process may not
    write, a path that is not a folder, or a damaged database."""
    if host:
        return f"Cannot open the Chroma server at {host}:{port} (is `chroma run --host {host} --port {port}` running?): {exc}"
    text = str(exc).lower()
    if isinstance(exc, PermissionError) or "permission denied" in text or "readonly" in text or "read-only" in text or "not writable" in text:
        return f"Cannot open the store folder {path} (is it writable? give this user write access, or set QA_STORE to another folder): {exc}"
    if Path(path).exists() and not Path(path).is_dir():
        return f"Cannot open the store folder {path}: it is a file, not a folder. Set QA_STORE (or --store) to a folder: {exc}"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (f"Cannot open the store folder {path}: its database {Path(path) / 'chroma.sqlite3'} is damaged ({exc}). Move the folder "
                "aside and ingest your documents again (`qa ingest FOLDER`), or restore the folder from a backup.")
    return f"Cannot open the store folder {path}: {exc}. If the folder is damaged, move it aside and ingest your documents again."
