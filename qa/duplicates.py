"""Duplicate documents flagged at ingestion: a new or changed document with the same title as another document
but different content (a re-uploaded copy with changed figures silently changed answers), or the same content
under another id.  Pure: works on the manifest records (title, checksum) before and after a run."""

from __future__ import annotations

from typing import Any


def _title_key(title: str) -> str:
    return " ".join(str(title or "").lower().split())


def duplicate_warnings(records: dict[str, dict[str, Any]], changed: list[str]) -> list[tuple[str, str]]:
    """(doc_id, one line) per changed document (added or replaced) that shares its title, or its content, with another."""
    warnings = []
    for doc_id in changed:
        record = records.get(doc_id)
        if not record:
            continue
        title = record.get("title", "")
        for other_id, other in sorted(records.items()):
            if other_id == doc_id:
                continue
            same_title = bool(_title_key(title)) and _title_key(other.get("title", "")) == _title_key(title)
            same_content = record.get("checksum") and other.get("checksum") == record.get("checksum")
            if same_content:
                warnings.append((doc_id, f"{doc_id} has the same content as {other_id}: remove one of them (`qa remove ID`) unless both are meant to be kept."))
            elif same_title:
                warnings.append((doc_id, f"{doc_id} has the same title as {other_id} (\u201c{title}\u201d) but different content: check which is right; "
                                          "answers may cite either, and where their figures differ they say the sources disagree."))
    return warnings
