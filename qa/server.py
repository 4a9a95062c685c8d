"""`qa serve`: an OpenAI-compatible HTTP API (FastAPI) over the collections of a store.

    /v1/models              one model per collection and generator: 'qa/default', 'qa/default:local'
    /v1/chat/completions    cited answers, whole or streamed (server-sent events in OpenAI's chunk format); the text
                            keeps its [n] markers and ends with a sources list; ``citations`` and ``grounded`` ride
                            along as extra fields (on the message, at the top level, and on the last stream chunk)
    /v1/search              passages;   /v1/documents  the indexed documents;   /v1/ingest  files on this machine

Access: Bearer keys from QA_API_KEYS; without keys it listens on loopback only.  The Host header must name an
address it serves (a web page elsewhere cannot reach it through DNS rebinding).  Errors come in OpenAI's shape:
401 wrong or missing key, 404 unknown model (with the list), 422 a malformed request (naming the field).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import uuid
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from qa import api as qa_api
from qa.errors import AccessNotConfigured, CollectionNotFound, GeneratorError, QAError, StoreFull, StoreUnavailable
from qa.integrations.openai_format import (ChatRequest, IngestRequest, SearchRequest, chunk, completion, error_body, extras, model_name,
                                           parse_model, sources_text, text_pieces)
from qa.settings import get_settings
from qa.types import Answer

log = logging.getLogger(__name__)
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
WILDCARD = {"0.0.0.0", "::", ""}


class HTTPProblem(Exception):
    """An error answered with ``status`` and OpenAI's error body."""

    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.body = status, error_body(message, kind, code, param)


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")


def api_keys() -> list[str]:
    s = get_settings()
    raw = s.api_keys.get_secret_value() if s.api_keys else ""
    return [k.strip() for k in raw.split(",") if k.strip()]


def check_access(host: str) -> None:
    """Refuse to listen beyond loopback without API keys."""
    if not api_keys() and not is_loopback(host):
        raise AccessNotConfigured(
            f"Refusing to listen on {host} without API keys: anyone who can reach it could read and change the documents. "
            "Set QA_API_KEYS (comma-separated keys clients send as 'Authorization: Bearer KEY'), or listen on 127.0.0.1 (the default).")


def allowed_hosts(bind: str) -> set[str] | None:
    """Host header names accepted (None: any, for a wildcard address without QA_API_HOSTS)."""
    extra = {h.strip().lower() for h in get_settings().api_hosts.split(",") if h.strip()}
    if bind in WILDCARD and not extra:
        return None
    return extra | LOOPBACK_NAMES | ({bind.lower()} if bind not in WILDCARD else set())


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Gate:
    """ASGI middleware, before any routing or body parsing: the Host header, then the Bearer key."""

    def __init__(self, app, hosts: set[str] | None, keys: list[str]):
        self.app, self.hosts, self.keys = app, hosts, keys

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem = None
        if self.hosts is not None and _host_name(headers.get("host", "")) not in self.hosts:
            problem = HTTPProblem(400, f"Host {headers.get('host', '')!r} is not served here; add it to QA_API_HOSTS if it is yours.", "host_not_allowed")
        elif self.keys:
            scheme, _, given = headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not any(secrets.compare_digest(given.strip().encode(), k.encode()) for k in self.keys):
                problem = HTTPProblem(401, "Missing or wrong API key: send 'Authorization: Bearer KEY' with a key from QA_API_KEYS.", "invalid_api_key")
        if problem is None:
            return await self.app(scope, receive, send)
        extra = {"www-authenticate": "Bearer"} if problem.status == 401 else {}
        await JSONResponse(problem.body, problem.status, headers=extra)(scope, receive, send)


def create_app(*, store: str | Path | None = None, host: str = "127.0.0.1", api: Any = None) -> FastAPI:
    """The API over ``store`` (default QA_STORE), as served on ``host`` (which decides the Host check and ingestion)."""
    api = api or qa_api
    # No /docs or /redoc pages: they load scripts from a CDN.  The schema is at /openapi.json.
    app = FastAPI(title="qa", description="Question answering over your documents, with citations (OpenAI-compatible).", version="1",
                  docs_url=None, redoc_url=None)
    index_lock = threading.Lock()

    def models() -> list[str]:
        return [model_name(c, g) for c in api.list_collections(store=store) for g in api.available_generators()]

    def resolve(model: str) -> tuple[str, str]:
        known = models()
        parsed = parse_model(model)
        if parsed is None or model not in known:
            raise HTTPProblem(404, f"Unknown model {model!r}. Models here: {', '.join(known) or 'none (ingest documents first)'}.", "model_not_found", "model")
        return parsed

    def known_collection(collection: str | None) -> str:
        name = collection or get_settings().collection
        names = api.list_collections(store=store)
        if name not in names:
            raise HTTPProblem(404, f"No collection {name!r}. Collections here: {', '.join(names)}.", "collection_not_found", "collection")
        return name

    @app.exception_handler(HTTPProblem)
    async def _problem(request: Request, exc: HTTPProblem):
        return JSONResponse(exc.body, exc.status)

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        fields = [".".join(str(p) for p in e["loc"][1:]) or "body" for e in errors]
        message = "; ".join(f"{f}: {e['msg']}" for f, e in zip(fields, errors))
        return JSONResponse(error_body(f"Malformed request: {message}", code="invalid_request", param=fields[0] if fields else None), 422)

    @app.exception_handler(QAError)
    async def _qa_error(request: Request, exc: QAError):
        status = 404 if isinstance(exc, CollectionNotFound) else 503 if isinstance(exc, (StoreUnavailable, StoreFull, GeneratorError)) else 400
        return JSONResponse(error_body(str(exc), code=type(exc).__name__), status)

    @app.get("/v1/models")
    def list_models() -> dict:
        return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "qa"} for m in models()]}

    @app.get("/v1/models/{model:path}")
    def get_model(model: str) -> dict:
        resolve(model)
        return {"id": model, "object": "model", "created": 0, "owned_by": "qa"}

    @app.post("/v1/chat/completions")
    async def chat_completions(req: ChatRequest):
        collection, generator = resolve(req.model)
        try:
            question, history = req.question_and_history()
        except ValueError as exc:
            raise HTTPProblem(422, f"Malformed request: messages: {exc}.", "invalid_request", "messages") from None
        try:
            wanted = req.document_filter()
        except ValueError as exc:
            raise HTTPProblem(422, f"Malformed request: metadata.documents: give doc_ids as a JSON list or comma-separated ({exc}).",
                              "invalid_request", "metadata.documents") from None
        question = qa_api.check_question(question)
        documents = await run_in_threadpool(lambda: qa_api.check_documents(qa_api._store(store, collection), wanted))
        options = dict(history=history or None, k=req.k, generator=generator, documents=documents, store=store, collection=collection)
        if not req.stream:
            return completion(await run_in_threadpool(lambda: api.ask(question, **options)), req.model)
        return StreamingResponse(_events(api, question, options, req.model), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.post("/v1/search")
    def search(req: SearchRequest) -> dict:
        passages = api.search(req.query, req.k, documents=req.documents, store=store, collection=known_collection(req.collection))
        return {"object": "list", "data": [p.model_dump() for p in passages]}

    @app.get("/v1/documents")
    def documents(collection: str | None = None) -> dict:
        docs = api.list_documents(store=store, collection=known_collection(collection))
        return {"object": "list", "data": [d.model_dump() for d in docs]}

    @app.post("/v1/ingest")
    def ingest(req: IngestRequest) -> dict:
        paths = [readable_path(p, host) for p in req.paths]
        with index_lock:  # one ingestion at a time
            return api.ingest(paths, store=store, collection=req.collection, prune=req.prune).model_dump()

    return Gate(app, allowed_hosts(host), api_keys())


async def _events(api: Any, question: str, options: dict, model: str):
    """The stream: the role at once, a comment while the answer is written and checked, then the checked text (its
    [n] markers numbered as in the citations) in pieces, a last chunk with the citations, and [DONE]."""
    cid = f"chatcmpl-{uuid.uuid4().hex}"
    yield chunk(cid, model, {"role": "assistant", "content": ""})
    answer = None
    try:
        async for item in iterate_in_threadpool(iter(api.ask_stream(question, **options))):
            if isinstance(item, Answer):
                answer = item
            else:
                yield ": writing\n\n"  # a comment (clients skip it): the connection is alive
    except QAError as exc:
        yield f"data: {json.dumps(error_body(str(exc), code=type(exc).__name__))}\n\n"
        return
    if answer is None:
        yield f"data: {json.dumps(error_body('The answer did not complete.', 'server_error'))}\n\n"
        return
    for piece in text_pieces(answer.text + sources_text(answer.citations)):
        yield chunk(cid, model, {"content": piece})
    yield chunk(cid, model, {}, "stop", **extras(answer))
    yield "data: [DONE]\n\n"


def readable_path(path: str, host: str) -> Path:
    """A path /v1/ingest may read: inside QA_API_INGEST_FOLDERS, or anywhere while the server listens on loopback only."""
    folders = [Path(f.strip()).resolve() for f in get_settings().api_ingest_folders.split(",") if f.strip()]
    resolved = Path(path).expanduser().resolve()
    if folders and not any(resolved == f or resolved.is_relative_to(f) for f in folders):
        raise HTTPProblem(403, f"{path} is outside the folders this server ingests from ({', '.join(map(str, folders))}; QA_API_INGEST_FOLDERS).",
                          "path_not_allowed", "paths")
    if not folders and not is_loopback(host):
        raise HTTPProblem(403, "This server listens beyond loopback: set QA_API_INGEST_FOLDERS to the folders /v1/ingest may read.",
                          "path_not_allowed", "paths")
    return resolved


def serve(host: str = "127.0.0.1", port: int = 8000, *, store: str | Path | None = None, log_level: str = "info") -> None:
    """Serve the API until interrupted (refuses a non-loopback address without QA_API_KEYS)."""
    import uvicorn

    check_access(host)
    app = create_app(store=store, host=host)

    try:  # load the models before listening, so the first question is as quick as the next
        from qa.embedding import sentence_embedder

        sentence_embedder().embed("warm up")
        qa_api.search("warm up", 1, store=store)
    except QAError:  # an empty store: the first question will say so
        pass
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
