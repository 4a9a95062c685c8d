"""Near-identical chunks of one document collapsed before embedding.

A PDF whose page repeats one paragraph 1,551 times gave 1,551 identical chunks: minutes of embedding, and a dense
index whose top 30 for almost any question was that paragraph (the right document in the dense top 30 for 0 of 47
questions).  One copy of each text is enough to find it; the first is kept, with its offsets, so citations still
point into the document.

Two chunks are near-identical when they have the same words and figures in the same order, ignoring case,
punctuation and spacing.  Chunks that differ in any word or figure are all kept.
"""

from __future__ import annotations

import hashlib
import re

from qa.types import Chunk

_TOKEN = re.compile(r"\w+", re.UNICODE)


def text_key(text: str) -> str:
    """What two near-identical chunks share: their words and figures, lower-cased, in order."""
    return hashlib.sha1(" ".join(_TOKEN.findall(text.lower())).encode("utf-8")).hexdigest()


def collapse_near_duplicates(chunks: list[Chunk]) -> list[Chunk]:
    """The chunks with every near-identical repeat of an earlier chunk left out (order and fields kept)."""
    seen: set[str] = set()
    kept = []
    for chunk in chunks:
        key = text_key(chunk.text)
        if key in seen:
            continue
        seen.add(key)
        kept.append(chunk)
    return kept
