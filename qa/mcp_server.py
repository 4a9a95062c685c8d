"""`qa mcp`: an MCP server over stdio (the official ``mcp`` SDK) with three tools for assistants:

    search(query, k, documents, collection)           passages, best first
    ask(question, documents, collection, generator)   a checked answer with numbered citations
    list_documents(collection)                        the indexed documents (their ids are what ``documents`` takes)

Each tool returns both a text for the model to read (an answer ends with its sources, quotes included) and
structured content (the citations with quote, offsets, page, heading and document) for the application.
Nothing is written to stdout but the protocol: the library's progress and logs go to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, Field

from qa import api
from qa.errors import QAError
from qa.integrations.openai_format import sources_text
from qa.types import DocumentInfo

INSTRUCTIONS = ("Answers questions from an indexed document collection with citations to the exact passages. "
                "Call list_documents to see what is indexed; pass doc_ids as `documents` to keep to some documents. "
                "Quote the [n] markers and sources of an `ask` result as given: each was checked against its passage.")


class PassageOut(BaseModel):
    doc_id: str
    title: str
    chunk_id: str
    text: str
    score: float = Field(description="Relevance (higher is better).")
    start: int = Field(description="Offset of the passage in the cleaned document text.")
    end: int
    page: int | None = None
    heading: str = ""


class CitationOut(BaseModel):
    n: int = Field(description="The marker [n] in the answer.")
    doc_id: str
    title: str
    chunk_id: str
    quote: str = Field(description="The sentence(s) of the passage that support the claim.")
    quote_start: int = Field(description="Offset of the quote in the cleaned document text.")
    quote_end: int
    page: int | None = None
    heading: str = ""


class SearchOut(BaseModel):
    passages: list[PassageOut]


class AskOut(BaseModel):
    answer: str = Field(description="The answer with [n] markers, or the fixed not-found sentence.")
    grounded: bool = Field(description="False when the documents do not hold the answer (nothing is cited then).")
    citations: list[CitationOut]
    generator: str
    notice: str | None = None


class DocumentsOut(BaseModel):
    documents: list[DocumentInfo]


def create_server(*, store: str | Path | None = None, collection: str | None = None) -> MCPServer:
    """The MCP server over a store's collection (defaults: QA_STORE, QA_COLLECTION; each tool may name another collection)."""
    server = MCPServer("qa", instructions=INSTRUCTIONS, version="1")

    def where(chosen: str | None) -> dict:
        return {"store": store, "collection": chosen or collection}

    @server.tool(description="The passages of the documents that best match a query, best first.")
    def search(query: str, k: int = 5, documents: list[str] | None = None, collection: str | None = None) -> Annotated[CallToolResult, SearchOut]:
        passages = _checked(lambda: api.search(query, k, documents=documents, **where(collection)))
        out = SearchOut(passages=[PassageOut(**p.model_dump(include=set(PassageOut.model_fields))) for p in passages])
        text = "\n\n".join(f"[{i}] {p.title} ({p.doc_id}{f', p. {p.page}' if p.page else ''}): {p.text}" for i, p in enumerate(passages, 1))
        return _result(text or "No passage matches.", out)

    @server.tool(description="Answer a question from the documents, citing the passages each claim rests on; "
                             "declines (grounded=false) when the documents do not hold the answer.")
    def ask(question: str, documents: list[str] | None = None, collection: str | None = None, generator: str | None = None) -> Annotated[CallToolResult, AskOut]:
        answer = _checked(lambda: api.ask(question, documents=documents, generator=generator, **where(collection)))
        citations = [CitationOut(**c.model_dump(include=set(CitationOut.model_fields))) for c in answer.citations]
        out = AskOut(answer=answer.text, grounded=answer.grounded, citations=citations, generator=answer.generator, notice=answer.notice)
        return _result(answer.text + sources_text(answer.citations), out)

    @server.tool(description="The documents in the collection: doc_id, title, source and chunk count.")
    def list_documents(collection: str | None = None) -> Annotated[CallToolResult, DocumentsOut]:
        docs = _checked(lambda: api.list_documents(**where(collection)))
        text = "\n".join(f"{d.doc_id}\t{d.title}\t({d.chunks} chunks)" for d in docs) or "No documents are indexed."
        return _result(text, DocumentsOut(documents=docs))

    return server


def _checked(call):
    """Our errors reach the client as a tool error with their message (which names the fix)."""
    try:
        return call()
    except QAError as exc:
        raise ToolError(str(exc)) from None


def _result(text: str, structured: BaseModel) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured.model_dump(mode="json"))


def run(*, store: str | Path | None = None, collection: str | None = None) -> None:
    """Serve over stdin/stdout until the client closes them."""
    create_server(store=store, collection=collection).run("stdio")
