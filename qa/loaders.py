"""Files and folders -> raw documents (blocks as their reader found them, before cleaning).

Supported: every suffix of the reader registry (``qa.readers.READERS``: .txt, .md, .html, .pdf, ...) and .jsonl (one
document per line: ``text``, an id in ``id`` or ``pid``, optional ``title``).  Anything else, and anything
unreadable, is reported as a FileProblem and skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qa.readers import READERS, ReadError, reader_for
from qa.readers.text import decode_bytes  # noqa: F401  (kept importable from here)
from qa.types import Block, FileProblem

SUPPORTED_SUFFIXES = (*READERS, ".jsonl")
_KINDS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


@dataclass
class RawDocument:
    """A document as read from its file: its blocks, not yet cleaned."""

    doc_id: str
    source: str
    blocks: list[Block]
    checksum: str
    kind: str  # "text", "markdown", "html", "pdf", "record", or the suffix of another format ("docx", ...)
    title: str | None = None  # a title the format itself gives (HTML's first h1, PDF metadata, a .jsonl "title")
    warnings: list[str] = field(default_factory=list)  # what the reader wants a user to know ("no text on pages 3-7: scanned?")

    @property
    def text(self) -> str:
        """The blocks' text, joined by blank lines."""
        return "\n\n".join(b.text for b in self.blocks)


@dataclass
class InputFile:
    """A file found under an input path, with the id stem its documents get."""

    path: Path
    doc_id: str  # the path relative to the folder it was found in (the file name for a file given directly)
    root: Path | None  # the folder given as input, None for a file given directly


def discover(paths: list[str | Path]) -> tuple[list[InputFile], list[FileProblem]]:
    """Expand input paths into files, in a stable order; hidden files and folders are passed over."""
    files: list[InputFile] = []
    problems: list[FileProblem] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            root = path.resolve()
            for found in sorted(path.rglob("*")):
                rel = found.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not found.is_file():
                    continue
                if found.is_symlink() and not found.resolve().is_relative_to(root):
                    problems.append(FileProblem(path=str(found), reason=f"a link to {found.resolve()}, outside the folder: not followed"))
                    continue
                files.append(InputFile(found.resolve(), rel.as_posix(), root))
        elif path.is_file():
            files.append(InputFile(path.resolve(), path.name, None))
        else:
            problems.append(FileProblem(path=str(path), reason="no such file or folder"))
    return files, problems


def file_problem(path: Path, max_bytes: int | None = None) -> str | None:
    """Why this file cannot be ingested, or None when it can be tried."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"unknown file type '{path.suffix or path.name}' (supported: {', '.join(SUPPORTED_SUFFIXES)})"
    if max_bytes is not None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            return f"cannot read file: {exc.strerror or exc}"
        if size > max_bytes:
            return f"file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit (QA_MAX_FILE_MB)"
    return None


def load(file: InputFile) -> Iterator[RawDocument | FileProblem]:
    """Read one file: yields its documents, and a FileProblem for each part that could not be read."""
    path = file.path
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield FileProblem(path=str(path), reason=f"cannot read file: {exc.strerror or exc}")
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        try:
            yield from _load_jsonl(path, data)
        except ReadError as exc:
            yield FileProblem(path=str(path), reason=str(exc))
        return
    try:
        reader = reader_for(suffix)
        if reader is None:
            yield FileProblem(path=str(path), reason=f"unknown file type '{suffix}'")
            return
        found = reader(data, path.name)
    except ReadError as exc:
        yield FileProblem(path=str(path), reason=str(exc))
        return
    except ImportError as exc:
        yield FileProblem(path=str(path), reason=f"reading {suffix} files needs a library that is not installed: {exc}")
        return
    except Exception as exc:  # a broken file must not stop the run
        yield FileProblem(path=str(path), reason=f"cannot parse {suffix} file: {exc}")
        return
    if not any(b.text.strip() for b in found.blocks):
        yield FileProblem(path=str(path), reason="no text found in file" + (" (a scanned PDF?)" if suffix == ".pdf" else ""))
        return
    kind = _KINDS.get(suffix, suffix.lstrip("."))
    yield RawDocument(file.doc_id, str(path), found.blocks, hashlib.sha256(data).hexdigest(), kind, found.title, found.warnings)


def _load_jsonl(path: Path, data: bytes) -> Iterator[RawDocument | FileProblem]:
    for number, line in enumerate(decode_bytes(data).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield FileProblem(path=where, reason=f"malformed JSON line: {exc.msg}")
            continue
        if not isinstance(record, dict):
            yield FileProblem(path=where, reason="line is not a JSON object")
            continue
        doc_id = record.get("id", record.get("pid"))
        text = record.get("text")
        if doc_id is None or str(doc_id).strip() == "":
            yield FileProblem(path=where, reason="record has no 'id' or 'pid'")
            continue
        if not isinstance(text, str) or not text.strip():
            yield FileProblem(path=where, reason="record has no 'text'")
            continue
        title = record.get("title")
        checksum = hashlib.sha256(line.encode("utf-8")).hexdigest()
        blocks = [Block(kind="paragraph", text=para) for para in text.splitlines() if para.strip()]
        yield RawDocument(str(doc_id), f"{path}#{number}", blocks, checksum, "record", str(title) if title else None)
