"""Question -> passages: the question's vector against the store's chunk vectors."""

from __future__ import annotations

from qa.embedding import Embedder
from qa.store import ChromaStore
from qa.types import Passage


class Retriever:
    """Dense retrieval over one store."""

    def __init__(self, store: ChromaStore, embedder: Embedder):
        self.store = store
        self.embedder = embedder

    def search(self, question: str, k: int = 5) -> list[Passage]:
        """The k passages most similar in meaning to the question, best first."""
        return self.store.query(self.embedder.embed(question), k)
