"""A full disk under the store folder: refuse a write that would not fit, and turn "no space left" from any layer
(our files, SQLite, Chroma) into one StoreFull message that says how to go on.

Chroma is checked *before* each batch: when its SQLite write fails half-way it keeps the batch in its log and the
client in that process stops answering writes, so a write that would not fit is better never started.
"""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.errors import StoreFull

RESERVE = 2 * 2**20  # kept free besides a batch's own estimate (SQLite journal, HNSW files, the BM25 index)
PER_BYTE = 12  # disk bytes a byte of chunk text, vector and metadata takes in Chroma (queue, tables, full-text index)
LOW = 64 * 2**20  # a store write that fails with less than this free is taken to have failed for lack of space
_MARKERS = ("no space left", "disk is full", "database or disk is full", "disk full", "quota exceeded")


def free_bytes(folder: str | Path) -> int | None:
    """Bytes free on the disk holding ``folder`` (its nearest existing parent); None when it cannot be told."""
    path = Path(folder)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def _mb(n: int | None) -> str:
    return "unknown" if n is None else f"{n / 2**20:.1f} MB"


def full_error(folder: str | Path, detail: str = "", stuck: bool = False) -> StoreFull:
    restart = (" Restart any program that has the store open (such as `qa chat`) once there is room." if stuck else "")
    return StoreFull(
        f"The disk holding the store folder {folder} is full ({_mb(free_bytes(folder))} free){detail}. Documents ingested "
        f"before this stay recorded and searchable; nothing half-written is recorded. Free space on that disk or move the "
        f"store to a disk with room (QA_STORE or --store), then run `qa ingest` again: it goes on where it stopped.{restart}")


def ensure_room(folder: str | Path | None, payload_bytes: int) -> None:
    """Raise StoreFull unless the disk has room for a write of ``payload_bytes`` (None: a server store, not ours to check)."""
    if folder is None:
        return
    need, free = PER_BYTE * payload_bytes + RESERVE, free_bytes(folder)
    if free is not None and free < need:
        raise full_error(folder, f"; the next write needs about {_mb(need)}")


def is_disk_full(exc: BaseException, folder: str | Path | None = None) -> bool:
    """Does this error (or one it wraps) say the disk is full?  A Chroma error with almost no space left counts too:
    Chroma reports a failed SQLite write as "Failed to apply logs to the metadata segment"."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(m in str(seen).lower() for m in _MARKERS):
            return True
        if folder is not None and type(seen).__module__.startswith("chromadb"):
            free = free_bytes(folder)
            if free is not None and free < LOW:
                return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextmanager
def writing(folder: str | Path | None) -> Iterator[None]:
    """Around writes to a store: a full disk becomes StoreFull naming the folder and the fix."""
    try:
        yield
    except StoreFull:
        raise
    except Exception as exc:
        if folder is None or not is_disk_full(exc, folder):
            raise
        raise full_error(folder, f" ({type(exc).__name__}: {str(exc)[:120]})", stuck=type(exc).__module__.startswith("chromadb")) from exc
