"""Blocks -> document text, and the small text repairs every reader shares.

A document's text is its blocks joined by one blank line; each block's ``start``/``end`` point into it.  Pure
functions: joining wrapped lines, undoing hyphenation at line ends, removing header-link marks ("¶"), mapping an
offset to its page, and a budget that stops a reader early when a document grows past the limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qa.readers import ReadError
from qa.types import Block

BLOCK_SEPARATOR = "\n\n"

# Sphinx's "¶", docutils' and MkDocs' "#"/"" permalinks, pandoc's "🔗": marks a heading carries for its link.
_HEADER_LINK_MARKS = re.compile(r"\s*[¶\uf0c1🔗]\s*")
_HYPHENATED_END = re.compile(r"(\w+)-$")
_FIRST_WORD = re.compile(r"^([a-z]\w*)")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


class DocumentTooLarge(ReadError):
    """A document that holds more text or chunks than the settings allow."""


class Budget:
    """Counts what a reader extracts and stops it, with a clear error, once a limit is passed."""

    def __init__(self, name: str, max_chars: int, max_blocks: int):
        self.name, self.max_chars, self.max_blocks = name, max_chars, max_blocks
        self.chars = self.blocks = 0

    @classmethod
    def from_settings(cls, name: str) -> Budget:
        from qa.settings import get_settings

        s = get_settings()
        return cls(name, s.max_document_chars, s.max_document_chunks)

    def spend(self, chars: int, blocks: int = 1) -> None:
        """Count extracted text; raises DocumentTooLarge past a limit."""
        self.chars += chars
        self.blocks += blocks
        if self.chars > self.max_chars:
            raise DocumentTooLarge(
                f"{self.name} holds more than {self.max_chars:,} characters of text, the limit per document: "
                f"split it, or raise QA_MAX_DOCUMENT_CHARS"
            )
        if self.blocks > self.max_blocks:
            raise DocumentTooLarge(
                f"{self.name} holds more than {self.max_blocks:,} blocks, over the limit of chunks per document: "
                f"split it, or raise QA_MAX_DOCUMENT_CHUNKS"
            )


def normalise_spaces(text: str) -> str:
    """Runs of spaces (and line breaks) -> one space; trimmed."""
    return _SPACES.sub(" ", " ".join(text.split("\n"))).strip()


def strip_header_links(text: str) -> str:
    """Remove header-link marks such as Sphinx's '¶' ("Creating Virtual Environments¶" -> "Creating Virtual Environments")."""
    return _HEADER_LINK_MARKS.sub(" ", text).strip()


def join_hyphenated(left: str, right: str, vocabulary: set[str] | frozenset[str] = frozenset()) -> str | None:
    """How a line ending in a hyphen joins the next one: the joined text, or None when the hyphen is not a line-end break.

    The hyphen is dropped ("manip-" + "ulation" -> "manipulation") when the next line starts in lower case, unless the
    document's own words say it is a real compound: "well-known" is kept when "well-known" occurs elsewhere, or when
    both halves are words of the document but the joined word is not."""
    end, first = _HYPHENATED_END.search(left), _FIRST_WORD.match(right)
    if not end or not first:
        return None
    head, tail = end.group(1).lower(), first.group(1).lower()
    joined, compound = head + tail, f"{head}-{tail}"
    keep = compound in vocabulary or (joined not in vocabulary and head in vocabulary and tail in vocabulary and len(head) > 2)
    return left + right if keep else left[:-1] + right


def join_lines(lines: Sequence[str], vocabulary: set[str] | frozenset[str] = frozenset()) -> str:
    """The wrapped lines of one paragraph as one line: joined by a space, hyphenation at line ends undone."""
    out = ""
    for line in (normalise_spaces(x) for x in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        hyphen_join = join_hyphenated(out, line, vocabulary)
        out = hyphen_join if hyphen_join is not None else f"{out} {line}"
    return out


def words_of(lines: Iterable[str]) -> set[str]:
    """Lower-case words of a text, hyphenated compounds included (the vocabulary ``join_hyphenated`` consults)."""
    found: set[str] = set()
    for line in lines:
        found.update(w.lower() for w in re.findall(r"\w+(?:-\w+)*", line))
        found.update(w.lower() for w in re.findall(r"\w+", line))
    return found


def assemble(blocks: Sequence[Block]) -> tuple[str, list[Block]]:
    """The document text (blocks joined by a blank line) and the blocks with their offsets set."""
    parts: list[str] = []
    placed: list[Block] = []
    pos = 0
    for block in blocks:
        if parts:
            pos += len(BLOCK_SEPARATOR)
        parts.append(block.text)
        placed.append(block.model_copy(update={"start": pos, "end": pos + len(block.text)}))
        pos += len(block.text)
    return BLOCK_SEPARATOR.join(parts), placed


def page_starts(blocks: Sequence[Block]) -> list[tuple[int, int]]:
    """(offset, page) wherever the page changes, in order: the first entry is the first paged block's start."""
    starts: list[tuple[int, int]] = []
    for block in blocks:
        breaks = [(block.start, block.page)] if block.page is not None else []
        breaks += [(block.start + offset, page) for offset, page in getattr(block, "page_breaks", [])]
        for offset, page in breaks:
            if not starts or starts[-1][1] != page:
                starts.append((offset, page))
    return starts


def page_at(starts: Sequence[tuple[int, int]], offset: int, default: int | None = None) -> int | None:
    """The page of a document offset, from ``page_starts``; ``default`` when the starts do not reach back to it."""
    page = default
    for start, p in starts:
        if start > offset:
            break
        page = p
    return page


def encode_pairs(starts: Sequence[tuple[int, int]]) -> str:
    """Pairs of numbers as one string: page starts [(120, 3), (980, 4)] -> '120:3,980:4', code spans alike (a store's
    metadata holds strings, not lists)."""
    return ",".join(f"{o}:{p}" for o, p in starts)


def decode_pairs(text: str | None) -> list[tuple[int, int]]:
    """The inverse of ``encode_pairs``; '' or None -> []."""
    out = []
    for item in (text or "").split(","):
        if ":" in item:
            o, p = item.split(":", 1)
            out.append((int(o), int(p)))
    return out
