"""`qa serve` through real clients: the official `openai` SDK and LangChain's ChatOpenAI against a real uvicorn server
(in a thread, on a free loopback port) over a real Chroma store; the fake embedder stands in for the models."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time

import httpx
import openai
import pytest
from typer.testing import CliRunner

from qa import api
from qa.types import NOT_FOUND
from tests.harbour_docs import DOCS, use_fake_models, write_docs

KEY = "test-key-0123456789"
QUESTION = "Who is the harbour master of Brenton?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(app):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One store of three documents, served with an API key; the fake models for the whole module."""
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("served")
        use_fake_models(mp)
        mp.setenv("QA_API_KEYS", f"other-key, {KEY}")
        mp.setenv("QA_API_INGEST_FOLDERS", str(folder / "allowed"))
        from qa.settings import get_settings

        get_settings.cache_clear()
        store = folder / "store"
        api.ingest([write_docs(folder / "docs")], store=store, collection="harbours")
        from qa.server import create_app

        with running(create_app(store=store)) as url:
            yield {"url": url, "store": store, "folder": folder}


@pytest.fixture(autouse=True)
def keep_module_env(served, monkeypatch):
    # conftest re-reads settings for every test: keep this module's model and keys in force
    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-MiniLM-L6-v2")


@pytest.fixture
def client(served) -> openai.OpenAI:
    return openai.OpenAI(base_url=served["url"] + "/v1", api_key=KEY, max_retries=0, timeout=60)


def test_models_list_each_collection(client):
    ids = [m.id for m in client.models.list()]
    assert "qa/harbours" in ids and all(i.startswith("qa/") for i in ids)
    assert client.models.retrieve("qa/harbours").id == "qa/harbours"


def test_cited_answer_with_structured_citations(client):
    resp = client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}])
    message = resp.choices[0].message
    assert "Tomas Reyes" in message.content and "[1]" in message.content
    body, _, sources = message.content.partition("\n\nSources:\n")
    citations = message.model_extra["citations"]
    assert citations == resp.model_extra["citations"] and resp.model_extra["grounded"] is True
    for c in citations:
        assert f"[{c['n']}]" in body and f"[{c['n']}] " in sources and c["quote"] in sources
        assert {"quote", "quote_start", "quote_end", "page", "heading", "doc_id", "title", "chunk_id"} <= set(c)
        assert DOCS[c["doc_id"]][c["quote_start"]:c["quote_end"]] == c["quote"]


def test_streamed_answer_matches_the_whole_one(client):
    whole = client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}])
    chunks = list(client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}], stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert len(chunks) > 3 and text == whole.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.model_extra["citations"] == whole.model_extra["citations"] and last.model_extra["grounded"] is True


def test_declines_without_citations(client):
    resp = client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": "What is the price of tea in Lisbon?"}])
    assert resp.model_extra["grounded"] is False and resp.model_extra["citations"] == []
    assert resp.choices[0].message.content == NOT_FOUND


@pytest.mark.parametrize("how", ["metadata", "metadata-json", "extra_body"])
def test_document_filter(client, how):
    options = {"metadata": {"documents": "corvale.txt"}} if how == "metadata" else \
        {"metadata": {"documents": json.dumps(["corvale.txt", "aldmere.txt"])}} if how == "metadata-json" else \
        {"extra_body": {"documents": ["aldmere.txt"]}}
    allowed = {"metadata": {"corvale.txt"}, "metadata-json": {"corvale.txt", "aldmere.txt"}, "extra_body": {"aldmere.txt"}}[how]
    resp = client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": "Who is the harbour master?"}], **options)
    cited = {c["doc_id"] for c in resp.model_extra["citations"]}
    assert cited and cited <= allowed


def test_follow_up_uses_the_history(client):
    first = client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}])
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": QUESTION},
                {"role": "assistant", "content": first.choices[0].message.content}, {"role": "user", "content": "How many ships did it handle in 2023?"}]
    resp = client.chat.completions.create(model="qa/harbours", messages=messages)
    assert resp.model_extra["grounded"] and "340" in resp.choices[0].message.content


def test_wrong_or_missing_key_is_401(served):
    bad = openai.OpenAI(base_url=served["url"] + "/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError, match="QA_API_KEYS"):
        bad.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}])
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
    r = httpx.post(served["url"] + "/v1/chat/completions", json={"model": "qa/harbours", "messages": []})  # no key, and malformed
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_unknown_model_is_404_with_the_list(client):
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert "qa/harbours" in err.value.message and err.value.body["code"] == "model_not_found"


@pytest.mark.parametrize("messages, field", [([], "messages"), ([{"role": "robot", "content": "hi"}], "messages.0.role"),
                                             ([{"role": "assistant", "content": "hi"}], "messages")])
def test_malformed_request_is_422_naming_the_field(client, messages, field):
    with pytest.raises(openai.UnprocessableEntityError) as err:
        client.chat.completions.create(model="qa/harbours", messages=messages)
    assert err.value.body["param"] == field and field in err.value.message


@pytest.mark.parametrize("metadata", [{"documents": "[not json"}, {"documents": "[1, 2]"}])
def test_malformed_document_filter_is_422(client, metadata):
    with pytest.raises(openai.UnprocessableEntityError) as err:
        client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}], metadata=metadata)
    assert err.value.body["param"] == "metadata.documents"


def test_no_pages_that_load_scripts_from_outside(served):
    headers = {"Authorization": f"Bearer {KEY}"}
    assert httpx.get(served["url"] + "/docs", headers=headers).status_code == 404
    assert "/v1/chat/completions" in httpx.get(served["url"] + "/openapi.json", headers=headers).json()["paths"]


def test_bad_values_are_clear_400s(client):
    with pytest.raises(openai.BadRequestError, match="qa documents"):
        client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}], extra_body={"documents": ["nowhere.txt"]})
    with pytest.raises(openai.BadRequestError, match="empty"):
        client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": "  "}])


def test_a_client_leaving_mid_stream_does_not_stop_the_others(served, client):
    headers = {"Authorization": f"Bearer {KEY}"}
    body = {"model": "qa/harbours", "messages": [{"role": "user", "content": QUESTION}], "stream": True}
    results: list[str] = []

    def whole_stream() -> None:
        chunks = client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}], stream=True)
        results.append("".join(c.choices[0].delta.content or "" for c in chunks if c.choices))

    other = threading.Thread(target=whole_stream)
    other.start()
    for _ in range(5):  # each reads the first event, then hangs up
        with httpx.stream("POST", served["url"] + "/v1/chat/completions", json=body, headers=headers, timeout=30) as r:
            assert r.status_code == 200
            next(r.iter_lines())
    other.join(60)
    assert results and "Tomas Reyes" in results[0]
    assert "Tomas Reyes" in client.chat.completions.create(model="qa/harbours", messages=[{"role": "user", "content": QUESTION}]).choices[0].message.content


def test_host_header_must_name_this_server(served):
    r = httpx.get(served["url"] + "/v1/models", headers={"Host": "evil.example", "Authorization": f"Bearer {KEY}"})
    assert r.status_code == 400 and "QA_API_HOSTS" in r.json()["error"]["message"]
    assert httpx.get(served["url"] + "/v1/models", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200


def test_search_documents_and_ingest(served):
    http = httpx.Client(base_url=served["url"], headers={"Authorization": f"Bearer {KEY}"}, timeout=60)
    found = http.post("/v1/search", json={"query": "harbour master", "k": 5, "collection": "harbours", "documents": ["brenton.txt"]}).json()["data"]
    assert found and {p["doc_id"] for p in found} == {"brenton.txt"}
    assert {d["doc_id"] for d in http.get("/v1/documents", params={"collection": "harbours"}).json()["data"]} == set(DOCS)
    missing = http.get("/v1/documents", params={"collection": "nothing-here"})
    assert missing.status_code == 404 and "harbours" in missing.json()["error"]["message"]

    allowed = served["folder"] / "allowed"
    allowed.mkdir(exist_ok=True)
    (allowed / "delta.txt").write_text("Harbour of Delta\n\nThe harbour master of Delta is Ana Wu.", encoding="utf-8")
    report = http.post("/v1/ingest", json={"paths": [str(allowed)], "collection": "delta"}).json()
    assert report["added"] == ["delta.txt"]
    assert "qa/delta" in [m["id"] for m in http.get("/v1/models").json()["data"]]
    refused = http.post("/v1/ingest", json={"paths": [str(served["folder"] / "docs")], "collection": "delta"})
    assert refused.status_code == 403 and "QA_API_INGEST_FOLDERS" in refused.json()["error"]["message"]
    assert http.post("/v1/ingest", json={"paths": []}).json()["error"]["param"] == "paths"


def test_langchain_chat_openai_as_a_second_client(served):
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=served["url"] + "/v1", api_key=KEY, model="qa/harbours", max_retries=0)
    reply = llm.invoke(QUESTION)
    assert "Tomas Reyes" in reply.content and "Sources:" in reply.content
    streamed = "".join(part.content for part in llm.stream(QUESTION))
    assert streamed == reply.content


def test_without_keys_it_serves_loopback_only(tmp_path, monkeypatch):
    from qa.errors import AccessNotConfigured
    from qa.server import check_access, create_app
    from qa.settings import get_settings

    monkeypatch.delenv("QA_API_KEYS", raising=False)
    get_settings.cache_clear()
    with pytest.raises(AccessNotConfigured, match="QA_API_KEYS"):
        check_access("0.0.0.0")
    check_access("127.0.0.1")
    result = CliRunner().invoke(__import__("qa.cli", fromlist=["app"]).app, ["serve", "--host", "0.0.0.0", "--store", str(tmp_path)])
    assert result.exit_code == 2 and "QA_API_KEYS" in result.output
    with running(create_app(store=tmp_path / "store")) as url:  # no key needed on loopback
        assert httpx.get(url + "/v1/models").status_code == 200
