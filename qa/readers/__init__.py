"""File formats -> blocks.  One small module per family of formats; each reader is a function

    read(data: bytes, name: str) -> Extracted

that turns a file's bytes into typed blocks (paragraphs, headings, list items, table rows, code) with their page and
heading path, plus the title the document itself gives.  ``READERS`` maps a file suffix to "module:function"; the
module is imported only when a file of that kind is read, so `qa --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from qa.types import Block


@dataclass
class Extracted:
    """What a reader found in one file."""

    blocks: list[Block]
    title: str | None = None  # from the document's metadata or its first heading; None to let the caller choose
    warnings: list[str] = field(default_factory=list)  # things a user should know, e.g. "no text on pages 3-7: scanned?"


class ReadError(ValueError):
    """A file that cannot be read; the message says why and, where there is one, how to fix it."""


Reader = Callable[[bytes, str], Extracted]

#: suffix (lower case, with the dot) -> "module:function"
READERS: dict[str, str] = {
    ".txt": "qa.readers.text:read_text",
    ".md": "qa.readers.text:read_markdown",
    ".markdown": "qa.readers.text:read_markdown",
    ".html": "qa.readers.html:read_html",
    ".htm": "qa.readers.html:read_html",
    ".pdf": "qa.readers.pdf:read_pdf",
    ".docx": "qa.readers.office:read_docx",
    ".pptx": "qa.readers.office:read_pptx",
    ".odt": "qa.readers.office:read_odt",
    ".xlsx": "qa.readers.sheets:read_xlsx",
    ".csv": "qa.readers.sheets:read_csv",
    ".epub": "qa.readers.epub:read_epub",
    ".rst": "qa.readers.rst:read_rst",
}


def reader_for(suffix: str) -> Reader | None:
    """The reader for a file suffix, or None when the format is not supported."""
    target = READERS.get(suffix.lower())
    if target is None:
        return None
    module, function = target.split(":")
    return getattr(import_module(module), function)
