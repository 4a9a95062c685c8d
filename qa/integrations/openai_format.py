"""The OpenAI chat-completions wire format, as ``qa serve`` speaks it: request records, model names, and an
``Answer`` turned into a completion (or stream chunks) that keeps its [n] markers, lists its sources at the end,
and carries the structured citations in an extra ``citations`` field that OpenAI clients pass through."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from qa.types import Answer, Citation

MODEL_PREFIX = "qa/"


class ChatMessage(BaseModel):
    """One message of the conversation; content is text, or a list of parts of which the text parts are read."""

    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """The fields of a chat-completions request this server reads; other OpenAI fields are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(description="'qa/<collection>' (extractive) or 'qa/<collection>:<generator>', as /v1/models lists.")
    messages: list[ChatMessage] = Field(min_length=1, description="The conversation; the last user message is the question.")
    stream: bool = False
    metadata: dict[str, Any] | None = Field(default=None, description="'documents': doc_ids to answer from (a list, or a comma-separated string).")
    documents: list[str] | None = Field(default=None, description="The same filter as an extra body field.")
    k: int | None = Field(default=None, ge=1, le=50, description="Passages to answer from [QA_TOP_K].")

    def question_and_history(self) -> tuple[str, list[tuple[str, str]]]:
        """The last user message, and the earlier (user, assistant) pairs."""
        turns = [m for m in self.messages if m.role in ("user", "assistant")]
        if not turns or turns[-1].role != "user":
            raise ValueError("the last message must come from the user")
        history, pending = [], None
        for m in turns[:-1]:
            if m.role == "user":
                pending = m.text()
            elif pending is not None:
                history.append((pending, strip_sources(m.text())))
                pending = None
        return turns[-1].text(), history

    def document_filter(self) -> list[str] | None:
        found = self.documents or (self.metadata or {}).get("documents")
        if isinstance(found, str):  # OpenAI's metadata holds strings: a JSON list or comma-separated ids
            found = json.loads(found) if found.strip().startswith("[") else [d.strip() for d in found.split(",") if d.strip()]
        if found and (not isinstance(found, list) or not all(isinstance(d, str) for d in found)):
            raise ValueError(f"got {found!r}")
        return list(found) if found else None


class SearchRequest(BaseModel):
    query: str = Field(description="What to look for.")
    k: int = Field(default=5, ge=1, le=50)
    collection: str | None = None
    documents: list[str] | None = None


class IngestRequest(BaseModel):
    paths: list[str] = Field(min_length=1, description="Files and folders on the server's machine.")
    collection: str | None = None
    prune: bool = False


def model_name(collection: str, generator: str) -> str:
    return f"{MODEL_PREFIX}{collection}" + ("" if generator == "extractive" else f":{generator}")


def parse_model(name: str) -> tuple[str, str] | None:
    """'qa/<collection>[:<generator>]' -> (collection, generator); None when it is not of that form."""
    if not name.startswith(MODEL_PREFIX):
        return None
    collection, _, generator = name[len(MODEL_PREFIX):].partition(":")
    return (collection, generator or "extractive") if collection else None


SOURCES_HEADING = "\n\nSources:\n"


def sources_text(citations: list[Citation]) -> str:
    """The sources list appended to the answer: one line per [n] with document, page, section and the quote."""
    lines = []
    for c in citations:
        where = ", ".join(x for x in (c.doc_id, f"p. {c.page}" if c.page else "", c.heading) if x)
        lines.append(f"[{c.n}] {c.title} ({where}): \"{c.quote}\"")
    return SOURCES_HEADING + "\n".join(lines) if lines else ""


def strip_sources(text: str) -> str:
    """An earlier reply as history: without the sources list this server appended."""
    return text.split(SOURCES_HEADING, 1)[0]


def citation_records(answer: Answer) -> list[dict[str, Any]]:
    keep = {"n", "quote", "quote_start", "quote_end", "page", "heading", "doc_id", "title", "chunk_id", "source", "start", "end"}
    return [c.model_dump(include=keep) for c in answer.citations]


def extras(answer: Answer) -> dict[str, Any]:
    """The fields beyond OpenAI's: citations, grounded, and what else a client may show."""
    return {"citations": citation_records(answer), "grounded": answer.grounded, "generator": answer.generator,
            "notice": answer.notice, "standalone_question": answer.standalone_question}


def completion(answer: Answer, model: str) -> dict[str, Any]:
    """A whole chat.completion; the citations on the message and at the top level."""
    message = {"role": "assistant", "content": answer.text + sources_text(answer.citations), **extras(answer)}
    return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}, **extras(answer)}


def chunk(completion_id: str, model: str, delta: dict[str, Any], finish: str | None = None, **more: Any) -> str:
    """One server-sent event holding a chat.completion.chunk."""
    body = {"id": completion_id, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **more}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def text_pieces(text: str, size: int = 24) -> list[str]:
    """The text cut after whitespace into pieces of about ``size`` characters (joined, they give the text back)."""
    pieces, current = [], ""
    for token in re.findall(r"\s*\S+\s*", text) or [text]:
        current += token
        if len(current) >= size:
            pieces.append(current)
            current = ""
    return pieces + [current] if current else pieces


def error_body(message: str, kind: str = "invalid_request_error", code: str | None = None, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": kind, "code": code, "param": param}}
