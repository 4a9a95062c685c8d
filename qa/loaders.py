"""Files and folders -> raw documents (text as found, before cleaning).

Supported: .txt, .md, .html/.htm, .pdf and .jsonl (one document per line: ``text``, an id in ``id`` or ``pid``,
optional ``title``).  Anything else, and anything unreadable, is reported as a FileProblem and skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.types import FileProblem

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl")


@dataclass
class RawDocument:
    """A document as read from its file: not yet cleaned."""

    doc_id: str
    source: str
    text: str
    checksum: str
    kind: str  # "text", "markdown", "html", "pdf" or "record"
    title: str | None = None  # a title the format itself gives (HTML <title>, a .jsonl "title")


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
    try:
        if suffix == ".jsonl":
            yield from _load_jsonl(path, data)
            return
        if suffix == ".pdf":
            text, title, kind = _pdf_text(data), None, "pdf"
        elif suffix in (".html", ".htm"):
            text, title = _html_text(decode_bytes(data))
            kind = "html"
        else:
            text, title = decode_bytes(data), None
            kind = "markdown" if suffix in (".md", ".markdown") else "text"
    except Exception as exc:  # a broken file must not stop the run
        yield FileProblem(path=str(path), reason=f"cannot parse {suffix} file: {exc}")
        return
    if not text.strip():
        yield FileProblem(path=str(path), reason="no text found in file" + (" (a scanned PDF?)" if suffix == ".pdf" else ""))
        return
    yield RawDocument(file.doc_id, str(path), text, hashlib.sha256(data).hexdigest(), kind, title)


def decode_bytes(data: bytes) -> str:
    """Bytes -> str: UTF-8 when valid, else the encoding chardet finds most likely."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    import chardet

    encoding = chardet.detect(data[:200_000]).get("encoding")
    if not encoding:
        raise ValueError("not text in any known encoding")
    return data.decode(encoding, errors="replace")


def _html_text(html: str) -> tuple[str, str | None]:
    """Main text of a web page (navigation, ads and comments dropped by trafilatura) and its title."""
    import trafilatura

    found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True)
    if found is None or not (found.text or "").strip():
        return "", None
    return found.text, (found.title or None)


def _pdf_text(data: bytes) -> str:
    """Text of every page of a PDF, pages separated by blank lines."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)


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
        yield RawDocument(str(doc_id), f"{path}#{number}", text, checksum, "record", str(title) if title else None)
