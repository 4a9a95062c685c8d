"""`qa serve` with the real models over the bundled corpus: the `openai` SDK gets a streamed cited answer, filtered."""

from __future__ import annotations

import openai
import pytest

from qa import api
from tests.test_server import running

pytestmark = pytest.mark.integration
QUESTION = "How many fentanyl-linked deaths were estimated in 2024?"


def test_streamed_cited_answer_from_the_demo_corpus(real_index):
    from qa.server import create_app

    store, _ = real_index
    with running(create_app(store=store)) as url:
        client = openai.OpenAI(base_url=url + "/v1", api_key="unused-on-loopback", max_retries=0, timeout=120)
        chunks = list(client.chat.completions.create(model="qa/default", messages=[{"role": "user", "content": QUESTION}], stream=True))
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        citations = chunks[-1].model_extra["citations"]
        assert "48,422" in text and "[1]" in text and "Sources:" in text
        assert chunks[-1].model_extra["grounded"] and any("48,422" in c["quote"] for c in citations)

        assert "qa/default" in [m.id for m in client.models.list()]
        cited = {c["doc_id"] for c in citations}
        rest = [d for d in api.list_documents(store=store) if d.doc_id not in cited]
        filtered = client.chat.completions.create(model="qa/default", messages=[{"role": "user", "content": QUESTION}],
                                                  extra_body={"documents": [d.doc_id for d in rest]})
        assert {c["doc_id"] for c in filtered.model_extra["citations"]} <= {d.doc_id for d in rest}


def test_qa_serve_command_serves_and_stops(tmp_path):
    """The real command in its own process: it answers /v1/models, then stops on SIGINT."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from tests.conftest import ROOT
    from tests.test_server import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_STORE": str(tmp_path / "store")}
    env.pop("QA_API_KEYS", None)
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:
                models = httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=5).json()
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "qa serve did not start"
                time.sleep(0.3)
        assert [m["id"] for m in models["data"]][0] == "qa/default"
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(60)
        assert code == 0, proc.stdout.read()
