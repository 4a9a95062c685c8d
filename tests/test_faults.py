"""Faults: a killed ingestion, an unusable store folder, a Chroma server that is down, a failing model endpoint.

The kill test runs the real `qa ingest` (real embedding model) in a child process and SIGKILLs it at several
moments; after each kill the store must open, agree with itself (records, chunks and the BM25 index) and a re-run
must finish the job, adding exactly the documents that were not yet recorded.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from qa.errors import GeneratorError, StoreUnavailable
from tests.conftest import ROOT

SQUAD = ROOT.parent / "shared" / "eval" / "squad2-dev" / "passages.jsonl"
# The kill tests ingest with the small model: crash consistency does not depend on which model embeds, and it keeps
# the kills quick.
MODEL = "all-MiniLM-L6-v2"


def consistent(store_dir: Path) -> dict:
    """Open the store in this process and check it agrees with itself; returns the document records."""
    from qa.store import ChromaStore

    store = ChromaStore("default", MODEL, path=store_dir)
    records = store.documents()
    got = store.chunks.get(include=["metadatas"])
    per_doc = Counter(m["doc_id"] for m in got["metadatas"])
    for doc_id, record in records.items():
        assert per_doc[doc_id] == record["chunks"], f"{doc_id}: record says {record['chunks']} chunks, store holds {per_doc[doc_id]}"
    assert sorted(store.lexical().ids) == sorted(got["ids"]), "the BM25 index and the vector collection disagree"
    return records


def sqlite_size(store_dir: Path) -> int:
    """Bytes in the database and its journal files; a journal may vanish between listing and reading it."""
    total = 0
    for f in store_dir.glob("chroma.sqlite3*"):
        try:
            total += f.stat().st_size
        except FileNotFoundError:
            pass
    return total


def qa_ingest(source: Path, store_dir: Path, kill: tuple[float, float] | None) -> tuple[int | None, str]:
    """Run `qa ingest --json`.  ``kill=(grown, extra)``: SIGKILL it ``extra`` seconds after the database has grown by
    ``grown`` bytes (0 bytes: ``extra`` seconds after the start), i.e. while or after it writes vectors."""
    env = {**os.environ, "QA_STORE": str(store_dir), "QA_EMBEDDING_MODEL": MODEL}
    proc = subprocess.Popen([sys.executable, "-m", "qa", "ingest", str(source), "--store", str(store_dir), "--json"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill is None:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-2000:]
        return proc.returncode, out
    grown, extra = kill
    start_size, deadline = sqlite_size(store_dir), time.monotonic() + 600
    while grown and sqlite_size(store_dir) < start_size + grown and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        out, _ = proc.communicate(timeout=max(extra, 0.01))
        return proc.returncode, out  # it finished before the kill
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        return None, ""


@pytest.mark.integration
@pytest.mark.skipif(not SQUAD.exists(), reason="needs the SQuAD passages in ../shared/eval")
def test_sigkill_during_ingestion_leaves_a_consistent_store_and_a_rerun_completes(tmp_path):
    lines = SQUAD.read_text(encoding="utf-8").splitlines()[:400]
    source = tmp_path / "passages.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    all_ids = {str(json.loads(line).get("id") or json.loads(line).get("pid")) for line in lines}
    store_dir = tmp_path / "store"

    recorded_after_kills = []
    # while starting up; the moment the first vectors reach the database (between chunks and records); a few
    # seconds into the next batch of a resumed run
    for kill in ((0, 2.0), (50_000, 0.0), (50_000, 4.0)):
        code, _ = qa_ingest(source, store_dir, kill)
        assert code is None, "the run finished before it could be killed: use more passages"
        if sqlite_size(store_dir):
            recorded_after_kills.append(len(consistent(store_dir)))
    before = set(consistent(store_dir))
    assert before < all_ids

    _, out = qa_ingest(source, store_dir, None)
    report = json.loads(out)
    assert set(report["added"]) == all_ids - before, "the re-run must add exactly what the killed runs had not recorded"
    assert set(report["skipped"]) == before and report["replaced"] == []
    records = consistent(store_dir)
    assert set(records) == all_ids
    # nothing orphaned: every chunk belongs to a recorded document
    from qa.store import ChromaStore

    store = ChromaStore("default", MODEL, path=store_dir)
    assert {m["doc_id"] for m in store.chunks.get(include=["metadatas"])["metadatas"]} == all_ids
    assert store.count() == sum(r["chunks"] for r in records.values())

    # and the run after that reads nothing again
    _, out = qa_ingest(source, store_dir, None)
    again = json.loads(out)
    assert again["added"] == [] and again["chunks_embedded"] == 0 and set(again["skipped"]) == all_ids
    print(f"\nrecorded after each kill: {recorded_after_kills} of {len(all_ids)}; re-run added {len(report['added'])}")


# --- an unusable store ---------------------------------------------------------------------------------------

def test_store_path_that_is_a_file_is_a_clear_error(tmp_path):
    from qa.store import ChromaStore

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="Cannot open the store folder .*not-a-folder"):
        ChromaStore("default", "all-MiniLM-L6-v2", path=blocker)


@pytest.fixture
def read_only_folder(tmp_path, monkeypatch):
    """A store folder the process may not write to.  Tests run as root, where chmod does not stop writes, so the
    store's own os.access check is told the folder is not writable."""
    from qa import store as store_module

    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(store_module.os, "access", lambda p, mode, **kw: False if Path(p) == folder and mode & os.W_OK else real_access(p, mode, **kw))
    return folder


def test_read_only_store_folder_is_a_clear_error(read_only_folder):
    from qa.store import ChromaStore

    with pytest.raises(StoreUnavailable, match="not writable"):
        ChromaStore("default", "all-MiniLM-L6-v2", path=read_only_folder)


def test_ingest_into_read_only_store_through_the_cli(read_only_folder):
    """The CLI prints one clear line (no traceback) and exits 2."""
    from typer.testing import CliRunner

    from qa.cli import app

    result = CliRunner().invoke(app, ["ingest", str(ROOT / "corpus"), "--store", str(read_only_folder)])
    assert result.exit_code == 2
    assert "not writable" in result.output and "Traceback" not in result.output


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_chroma_server_down_is_a_clear_error(monkeypatch):
    from qa import api
    from qa.settings import get_settings

    port = closed_port()
    monkeypatch.setenv("QA_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("QA_CHROMA_PORT", str(port))
    get_settings.cache_clear()
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable) as caught:
        api.ask("How many fentanyl-linked deaths were estimated in 2024?")
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "chroma run" in message
    assert time.perf_counter() - started < 30


# --- a failing model endpoint --------------------------------------------------------------------------------

def test_server_error_is_a_clear_error_and_the_api_falls_back(fake_embedder, monkeypatch):
    from qa import api
    from qa.extractive import ExtractiveGenerator
    from tests.fake_openai import FakeChatServer
    from tests.test_chat_generator import PASSAGES, make

    server = FakeChatServer()
    try:
        server.replies += [{"status": 500}, {"status": 500}]
        with pytest.raises(GeneratorError, match="openai generator failed: the request failed"):
            make(server, fake_embedder).generate("How many ships did the port handle in 2023?", PASSAGES)

        monkeypatch.setattr(api, "_embedder", lambda: fake_embedder)
        monkeypatch.setattr(api, "_retrieve", lambda st, q, k, documents: PASSAGES)
        monkeypatch.setattr(api, "_store", lambda *a, **k: None)
        gen = make(server, fake_embedder)
        monkeypatch.setattr(api, "get_generator", lambda name, store=None: gen if name == "openai" else ExtractiveGenerator(fake_embedder, min_score=0.2))
        server.replies += [{"status": 500}, {"status": 500}]
        answer = api.ask("How many ships did the port handle in 2023?", generator="openai")
        assert answer.grounded and "4,210" in answer.text and answer.generator == "extractive"
        assert "openai generator failed" in answer.notice and "extractive generator instead" in answer.notice
    finally:
        server.close()


def test_unreachable_endpoint_falls_back(fake_embedder, monkeypatch):
    from qa import api
    from qa.chat_generator import ChatGenerator
    from qa.extractive import ExtractiveGenerator
    from tests.test_chat_generator import PASSAGES

    gen = ChatGenerator("openai", f"http://127.0.0.1:{closed_port()}/v1", "m", "sk-x", ExtractiveGenerator(fake_embedder, min_score=0.4), timeout=5)
    monkeypatch.setattr(api, "_embedder", lambda: fake_embedder)
    monkeypatch.setattr(api, "_retrieve", lambda st, q, k, documents: PASSAGES)
    monkeypatch.setattr(api, "_store", lambda *a, **k: None)
    monkeypatch.setattr(api, "get_generator", lambda name, store=None: gen if name == "openai" else ExtractiveGenerator(fake_embedder, min_score=0.2))
    answer = api.ask("How many ships did the port handle in 2023?", generator="openai")
    assert answer.grounded and "4,210" in answer.text and "cannot reach" in answer.notice and "QA_LLM_BASE_URL" in answer.notice
