"""Sharing one embedded store between processes: the write lock writers take in turn, and a fresh client when
another process changed the collection (the old client's in-memory vector index no longer matches the database)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.errors import StoreBusy

_retired: list = []  # Chroma systems replaced by a reopen: kept alive, as calls already under way may still use them


def reopen_embedded_client(client, folder: Path):
    """A new ``PersistentClient`` on ``folder`` with ``client``'s settings. Chroma shares one system per path within a
    process, so the old system is first taken out of its registry (and kept alive for calls still using it)."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = client._identifier
    with SharedSystemClient._refcount_lock:
        old = SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    if old is not None:
        _retired.append(old)
    return chromadb.PersistentClient(path=str(folder), settings=client.get_settings())


@contextmanager
def write_lock(path: Path, location: str, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock file ``path`` (waiting up to ``timeout`` seconds, default QA_WRITE_LOCK_TIMEOUT); past that,
    ``StoreBusy`` names the lock file, the setting and the server option."""
    from filelock import FileLock, Timeout

    if timeout is None:
        from qa.settings import get_settings

        timeout = get_settings().write_lock_timeout
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusy(
            f"Another process has been changing {location} for over {timeout:g} s (lock file {path}). Wait for it to finish "
            "and retry, raise QA_WRITE_LOCK_TIMEOUT, or, if no qa process is running, delete the lock file. To let many "
            "processes write at once, serve the store with `chroma run` and set QA_CHROMA_HOST (docs/robustness.md).") from None
    try:
        yield
    finally:
        lock.release()
