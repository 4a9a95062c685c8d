"""Question answering over your documents, with citations: ``from qa import ingest, search, ask``."""

from __future__ import annotations

import qa.settings  # noqa: F401  (sets offline and no-telemetry defaults before anything heavy loads)

__all__ = ["ingest", "search", "ask", "ask_stream", "list_documents", "list_collections", "remove_documents", "Answer", "Citation", "Passage", "IngestReport"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported on first use, so `import qa` and `qa --help` stay fast.
    if name in ("ingest", "search", "ask", "ask_stream", "list_documents", "remove_documents", "available_generators", "list_collections", "answer_structure"):
        from qa import api

        return getattr(api, name)
    if name in ("Answer", "Citation", "Passage", "IngestReport", "Document", "Chunk", "NOT_FOUND"):
        from qa import types

        return getattr(types, name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")
