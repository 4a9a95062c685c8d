"""LangChain: the retriever passes langchain-tests' standard retriever suite (real model, real Chroma, the bundled
corpus); its metadata, the filter, the answering Runnable and both inside LCEL chains."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from langchain_tests.integration_tests import RetrieversIntegrationTests

from qa import api
from qa.citations import check_citations
from qa.integrations.langchain import QAAnswerer, QARetriever
from qa.types import NOT_FOUND, Answer
from tests.harbour_docs import DOCS, use_fake_models, write_docs

METADATA = {"doc_id", "title", "page", "heading", "start", "end", "chunk_id", "score", "source"}


# The suite's one async test runs on pytest-asyncio (which langchain-tests brings); marking the function itself
# keeps the suite's methods un-overridden, as its own test_no_overrides_DO_NOT_OVERRIDE checks.
pytest.mark.asyncio(RetrieversIntegrationTests.test_ainvoke_returns_documents)


@pytest.mark.integration
class TestStandardRetrieverSuite(RetrieversIntegrationTests):
    """langchain-tests' own checks, over the bundled corpus embedded by the real model."""

    store = None

    @pytest.fixture(autouse=True)
    def _indexed(self, real_index):
        type(self).store = str(real_index[0])

    @property
    def retriever_constructor(self) -> type[QARetriever]:
        return QARetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"store": self.store, "collection": "default", "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "How many fentanyl-linked deaths were estimated in 2024?"


@pytest.fixture
def harbours(tmp_path, monkeypatch):
    use_fake_models(monkeypatch)
    store = tmp_path / "store"
    api.ingest([write_docs(tmp_path / "docs")], store=store, collection="harbours")
    return {"store": store, "collection": "harbours"}


def test_documents_carry_where_they_come_from(harbours):
    docs = QARetriever(k=3, **harbours).invoke("How many ships did the harbour of Brenton handle in 2023?")
    assert docs and all(isinstance(d, Document) for d in docs)
    for d in docs:
        assert METADATA <= set(d.metadata)
        assert d.metadata["doc_id"] in DOCS and d.id == d.metadata["chunk_id"]
        whole = DOCS[d.metadata["doc_id"]]
        # offsets point into the cleaned text, which for these plain files keeps every passage verbatim
        assert d.page_content in whole
    assert docs[0].metadata["doc_id"] == "brenton.txt" and docs[0].metadata["score"] >= docs[-1].metadata["score"]


def test_filter_in_the_constructor_and_per_call(harbours):
    only = QARetriever(k=5, documents=["corvale.txt"], **harbours)
    assert {d.metadata["doc_id"] for d in only.invoke("harbour master")} == {"corvale.txt"}
    per_call = QARetriever(k=5, **harbours).invoke("harbour master", documents=["aldmere.txt"])
    assert {d.metadata["doc_id"] for d in per_call} == {"aldmere.txt"}


def test_answerer_returns_the_checked_answer(harbours):
    answerer = QAAnswerer(**harbours)
    answer = answerer.invoke("Who is the harbour master of Brenton?")
    assert isinstance(answer, Answer) and answer.grounded and "Tomas Reyes" in answer.text
    assert check_citations(answer.text, answer.citations) == []
    chosen = answerer.invoke({"question": "Who is the harbour master?", "documents": ["corvale.txt"], "history": []})
    assert chosen.citations and {c.doc_id for c in chosen.citations} == {"corvale.txt"}
    assert answerer.invoke("What is the price of tea in Lisbon?").text == NOT_FOUND
    with pytest.raises(TypeError, match="question"):
        answerer.invoke({"query": "no question key"})


def test_retriever_and_answerer_inside_lcel_chains(harbours):
    def format_docs(docs: list[Document]) -> str:
        return "\n\n".join(f"[{i}] ({d.metadata['doc_id']}) {d.page_content}" for i, d in enumerate(docs, start=1))

    prompt = ChatPromptTemplate.from_template("Answer from the context only.\n\n{context}\n\nQuestion: {question}")
    chain = {"context": QARetriever(k=2, **harbours) | format_docs, "question": RunnablePassthrough()} | prompt
    rendered = chain.invoke("Who is the harbour master of Corvale?").to_string()
    assert "(corvale.txt)" in rendered and "Question: Who is the harbour master of Corvale?" in rendered

    cited = QAAnswerer(**harbours) | RunnableLambda(lambda a: {"text": a.text, "sources": sorted({c.doc_id for c in a.citations})})
    out = cited.batch(["Who is the harbour master of Aldmere?", "Who is the harbour master of Brenton?"])
    assert [o["sources"] for o in out] == [["aldmere.txt"], ["brenton.txt"]]
