"""`qa mcp` through the MCP SDK's own client over stdio: the real command in a subprocess (this worktree on the
path), the real model, a real Chroma store."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from qa import api
from tests.conftest import ROOT
from tests.harbour_docs import DOCS, write_docs

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def harbour_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mcp")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QA_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
        from qa.settings import get_settings

        get_settings.cache_clear()
        api.ingest([write_docs(folder / "docs")], store=folder / "store", collection="harbours")
        api._stores.clear()
        get_settings.cache_clear()
    return folder / "store"


def call(store, *steps):
    """Start `python -m qa.cli mcp`, run each (tool, arguments) and return the tool list and the results."""
    from mcp import Client, StdioServerParameters

    env = {"PYTHONPATH": str(ROOT), "QA_EMBEDDING_MODEL": "all-MiniLM-L6-v2", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           **{k: v for k, v in os.environ.items() if k in ("HOME", "QA_CACHE", "TMPDIR")}}
    params = StdioServerParameters(command=sys.executable, args=["-m", "qa.cli", "mcp", "--store", str(store), "-c", "harbours"], env=env, cwd=str(ROOT))

    async def session():
        async with Client(params, read_timeout_seconds=240) as client:
            tools = await client.list_tools()
            return tools, [await client.call_tool(name, args) for name, args in steps]

    return asyncio.run(session())


def test_lists_the_tools_and_answers_with_citations(harbour_store):
    tools, (docs, found, answer, chosen, declined, bad) = call(
        harbour_store,
        ("list_documents", {}),
        ("search", {"query": "How many ships did the harbour of Brenton handle?", "k": 2}),
        ("ask", {"question": "Who is the harbour master of Brenton?"}),
        ("ask", {"question": "Who is the harbour master?", "documents": ["corvale.txt"]}),
        ("ask", {"question": "What is the price of tea in Lisbon?"}),
        ("ask", {"question": "Who is the harbour master?", "documents": ["nowhere.txt"]}),
    )
    by_name = {t.name: t for t in tools.tools}
    assert {"search", "ask", "list_documents"} <= set(by_name)
    assert "citations" in by_name["ask"].output_schema["properties"]

    assert {d["doc_id"] for d in docs.structured_content["documents"]} == set(DOCS)
    assert found.structured_content["passages"][0]["doc_id"] == "brenton.txt"

    out = answer.structured_content
    assert out["grounded"] and "Tomas Reyes" in out["answer"] and out["citations"]
    text = answer.content[0].text
    for c in out["citations"]:
        assert f"[{c['n']}]" in out["answer"] and c["quote"] in text  # the text for the model carries the sources
        assert DOCS[c["doc_id"]][c["quote_start"]:c["quote_end"]] == c["quote"]

    assert {c["doc_id"] for c in chosen.structured_content["citations"]} == {"corvale.txt"}
    assert declined.structured_content["grounded"] is False and declined.structured_content["citations"] == []
    assert bad.is_error and "qa documents" in bad.content[0].text
