"""Raw text -> clean text: repaired characters, no page furniture, normalised whitespace, and a title.

Paragraphs of the cleaned text are separated by one blank line; all later offsets point into it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy

from qa.types import Block

# Lines that are page furniture wherever they stand (matched against the whole stripped line, case-insensitive).
FURNITURE_LINES = [
    r"hashtags?",
    r"comments?( \(\d+\))?",
    r"no comments yet\.*",
    r"try our ai features",
    r"explore what .{1,40} can do for you:?",
    r"\*?for corrections,? please (e-?mail|contact) .*",
    r"(share|share this( article)?|advertisement|sponsored|print|email|subscribe( now)?|sign up)",
    r"-?\s*\d+\s*min(ute)?s? read",
    r"-?\s*\d+\s+(seconds?|minutes?|hours?|days?|weeks?)\s+ago",
    r"-?\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(, \d{4})?",
    r"(photo|image|credit)s?:? .{0,80}(getty|reuters|ap photo|afp)[^.]*",
]
# A line like these ends the article: what follows is teasers of other stories or readers' comments.
END_OF_ARTICLE_LINES = [
    r"related( articles| stories| posts| content| reading)?:?",
    r"(more|read more|recommended|you may also like|more from [a-z0-9 ]{1,30}|read next|latest news|most read)( stories| articles)?:?",
    r"comments?",
]
# Before the title: a section "kicker" ("China /") or a lone short label.
KICKER = re.compile(r"^[^\W\d][\w &.-]{0,30}\s*/\s*$|^[\w &-]{1,20}\s*(/\s*[\w &-]{1,20})+\s*/?$")
# Right after the title: byline items such as "- Brian", "- Mar 30", "- 4 min read", "By Jane Doe".
BYLINE = re.compile(r"^(-\s*\S+(\s+\S+){0,3}|by [A-Z][\w.'-]+( [A-Z][\w.'-]+){0,3}( and [A-Z][\w.'-]+( [A-Z][\w.'-]+){0,2})?)$")

_FURNITURE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_LINES), re.IGNORECASE)
_END = re.compile("|".join(f"(?:{p})" for p in END_OF_ARTICLE_LINES), re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# A letter of a non-Latin script stranded between Latin letters, as in "Jinpingโs": an apostrophe whose UTF-8 bytes
# were read in a Thai (cp874) or similar single-byte code page, where ftfy cannot recover it.
_STRANDED = re.compile(r"(?<=[A-Za-z])[\u0e00-\u0e7f\u0400-\u04ff\u0370-\u03ff]€?[\u0080-\u009f]?(?=[A-Za-z])")
_MAX_TITLE_CHARS = 200


@dataclass
class CleanText:
    """Cleaned text and the title found in it (None when the text has no headline)."""

    text: str
    title: str | None


def repair_characters(text: str) -> str:
    """Fix mojibake and broken characters: ftfy first, then apostrophes lost to a foreign code page,
    replacement characters and control characters."""
    text = ftfy.fix_text(text, normalization="NFC")
    if _mostly_latin(text):
        text = _STRANDED.sub("'", text)
    text = text.replace("\ufffd", "")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def strip_furniture(lines: list[str]) -> list[str]:
    """Drop furniture lines, the kicker and bylines around the headline, and everything after an end-of-article line."""
    return [lines[i] for i in kept_lines(lines)]


def kept_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines ``strip_furniture`` keeps."""
    kept: list[int] = []
    seen_body = False  # a long line of prose has been kept
    for i, line in enumerate(lines):
        if seen_body and _END.fullmatch(line):
            break
        if _FURNITURE.fullmatch(line):
            continue
        if not kept and KICKER.match(line):
            continue
        if kept and not seen_body and BYLINE.match(line) and len(line) < 60:
            continue
        kept.append(i)
        seen_body = seen_body or len(line) > 120
    return kept


def clean_text(raw: str, kind: str = "text") -> CleanText:
    """Repair, strip furniture, normalise whitespace; the title is the headline (first line) when it looks like one."""
    text = repair_characters(raw)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    if kind == "markdown":
        lines = [re.sub(r"^#{1,6}\s+", "", line) for line in lines]
    lines = strip_furniture([line for line in lines if line])
    title = lines[0] if lines and len(lines[0]) <= _MAX_TITLE_CHARS and len(lines) > 1 else None
    return CleanText("\n\n".join(lines), title.rstrip(" .:") if title else None)


def clean_blocks(blocks: list[Block], kind: str = "text") -> tuple[list[Block], str | None]:
    """Repair each block's characters and spaces (code keeps its layout), drop empty blocks; news-like plain text and
    records (kind "text" or "record") also lose page furniture, as ``clean_text``.  Returns the blocks and the title
    they give: the first heading, or for plain text the headline (first line) when it looks like one."""
    cleaned: list[Block] = []
    for block in blocks:
        breaks = getattr(block, "page_breaks", None)
        if block.kind == "code":
            text = repair_characters(block.text).strip("\n")
        elif breaks:  # keep the page-break offsets valid: repair each page's part on its own
            cuts = [0] + [offset for offset, _ in breaks] + [len(block.text)]
            parts = [repair_characters(block.text[a:b]) for a, b in zip(cuts, cuts[1:])]
            offsets = [sum(len(p) for p in parts[: i + 1]) for i in range(len(breaks))]
            block = block.model_copy(update={"page_breaks": [(o, page) for o, (_, page) in zip(offsets, breaks)]})
            text = "".join(parts)
        else:
            text = " ".join(_SPACES.sub(" ", repair_characters(block.text)).split("\n")).strip()
            text = _SPACES.sub(" ", text)
        if text.strip():
            cleaned.append(block.model_copy(update={"text": text}))
    if kind in ("text", "record"):
        cleaned = [cleaned[i] for i in kept_lines([b.text for b in cleaned])]
        first = cleaned[0].text if cleaned else ""
        title = first if first and len(first) <= _MAX_TITLE_CHARS and len(cleaned) > 1 and "\n" not in first else None
        return cleaned, title.rstrip(" .:") if title else None
    heading = next((b.text for b in cleaned if b.kind == "heading"), None)
    return cleaned, heading


def _mostly_latin(text: str, sample: int = 20000) -> bool:
    letters = [ch for ch in text[:sample] if ch.isalpha()]
    return bool(letters) and sum(ch < "\u0250" for ch in letters) / len(letters) > 0.8
