"""LangChain: a retriever over a collection and a Runnable that answers with the checked ``Answer``.

    from qa.integrations.langchain import QARetriever, QAAnswerer
    docs = QARetriever(k=4, collection="default").invoke("How many deaths in 2024?")
    answer = QAAnswerer().invoke({"question": "How many deaths in 2024?", "documents": ["report.pdf"]})

Both call the same functions as the CLI (``qa.api.search`` / ``qa.api.ask``), so filters, hybrid retrieval and the
citation check behave the same everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from pydantic import Field

from qa.types import Answer, Passage

#: What QAAnswerer accepts: a question, or {"question": ..., "history": [(user, assistant), ...], "documents": [doc_id, ...]}.
AnswerInput = str | dict[str, Any]


def passage_to_document(passage: Passage) -> Document:
    """A retrieved passage as a LangChain Document: its text, and where it is in its document in the metadata."""
    meta = passage.model_dump(include={"doc_id", "title", "page", "heading", "start", "end", "chunk_id", "score", "source"})
    return Document(page_content=passage.text, metadata=meta, id=passage.chunk_id)




class QARetriever(BaseRetriever):
    """Hybrid retrieval (dense + BM25, reranked) over one collection.  ``invoke(query, k=..., documents=[...])`` may
    override ``k`` and the document filter per call.  Metadata: doc_id, title, page, heading, start, end (offsets
    in the cleaned document text), chunk_id, score, source."""

    k: int = Field(default=5, description="Passages returned.")
    store: str | Path | None = Field(default=None, description="Folder of the embedded Chroma database [QA_STORE].")
    collection: str | None = Field(default=None, description="Collection name [QA_COLLECTION].")
    documents: list[str] | None = Field(default=None, description="Only these doc_ids; None: every document.")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any) -> list[Document]:
        from qa import api

        k = int(kwargs.get("k", self.k))
        documents = kwargs.get("documents", self.documents)
        passages = api.search(query, k, documents=documents, store=self.store, collection=self.collection)
        return [passage_to_document(p) for p in passages]


class QAAnswerer(RunnableSerializable[AnswerInput, Answer]):
    """A Runnable that answers with the checked ``Answer`` (text with [n] markers, citations with quotes and offsets,
    ``grounded`` False and the fixed NOT_FOUND text when the documents do not hold the answer)."""

    store: str | Path | None = Field(default=None, description="Folder of the embedded Chroma database [QA_STORE].")
    collection: str | None = Field(default=None, description="Collection name [QA_COLLECTION].")
    generator: str | None = Field(default=None, description="extractive, local or openai [QA_GENERATOR].")
    k: int | None = Field(default=None, description="Passages to answer from [QA_TOP_K].")
    documents: list[str] | None = Field(default=None, description="Only these doc_ids (an input's 'documents' wins); None: all.")

    def invoke(self, input: AnswerInput, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        return self._call_with_config(self._answer, input, config, run_type="chain")

    def _answer(self, input: AnswerInput) -> Answer:
        from qa import api

        if isinstance(input, str):
            input = {"question": input}
        if not isinstance(input, dict) or "question" not in input:
            raise TypeError(f"QAAnswerer takes a question string or a dict with 'question' (and optional 'history', 'documents'); got {type(input).__name__}")
        history = [tuple(turn) for turn in input.get("history") or []]
        return api.ask(input["question"], history=history or None, k=self.k, generator=self.generator,
                       documents=input.get("documents", self.documents), store=self.store, collection=self.collection)
