"""Several processes on one store: a long-lived process answering questions (this test process, as the chat is) while
`qa ingest` and `qa remove` run in other processes; writers take turns through the store's lock file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from filelock import FileLock

from qa import api
from qa.store import WRITE_LOCK
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.integration

MODEL = "all-MiniLM-L6-v2"  # the smaller real model: each process loads it


def qa_cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QA_EMBEDDING_MODEL": MODEL, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


@pytest.fixture
def folders(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_EMBEDDING_MODEL", MODEL)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for name in ("000_7585ecfd78e8c4f2.txt", "001_1d08fc473fcf1eb5.txt"):
        shutil.copy(CORPUS / name, first / name)
    shutil.copy(CORPUS / "002_ca82e986c9dc0bde.txt", second / "002_ca82e986c9dc0bde.txt")
    return first, second


def test_a_running_process_sees_another_process_ingest_and_remove(folders, tmp_path):
    store = tmp_path / "store"
    first, second = folders
    assert qa_cli("ingest", str(first), "--store", str(store)).returncode == 0
    before = api.ask("How many fentanyl-linked deaths were estimated in 2024?", store=store)  # opens and caches the store
    assert before.grounded

    added = qa_cli("ingest", str(second), "--store", str(store))
    assert added.returncode == 0, added.stderr
    # A question whose passages include the new document's chunks (the failure was "Error finding id").
    seen = set()
    for question in ("precursor chemicals China", "fentanyl deaths 2024", "How many fentanyl-linked deaths were estimated in 2024?"):
        answer = api.ask(question, store=store, k=10)
        seen |= {p.doc_id for p in answer.passages}
    assert "002_ca82e986c9dc0bde.txt" in seen
    assert {d.doc_id for d in api.list_documents(store=store)} == {"000_7585ecfd78e8c4f2.txt", "001_1d08fc473fcf1eb5.txt", "002_ca82e986c9dc0bde.txt"}

    removed = qa_cli("remove", "002_ca82e986c9dc0bde.txt", "--store", str(store))
    assert removed.returncode == 0, removed.stderr
    for question in ("precursor chemicals China", "fentanyl deaths 2024"):
        answer = api.ask(question, store=store, k=10)  # the failure was "'NoneType' object is not subscriptable"
        assert all(p.doc_id != "002_ca82e986c9dc0bde.txt" for p in answer.passages)
    assert "002_ca82e986c9dc0bde.txt" not in {d.doc_id for d in api.list_documents(store=store)}
    st = api._store(store, None)
    assert set(st.lexical().ids) == set(st.all_chunk_ids())  # the BM25 index followed


def test_unchanged_store_is_not_reopened(folders, tmp_path):
    store = tmp_path / "store"
    assert qa_cli("ingest", str(folders[0]), "--store", str(store)).returncode == 0
    api.search("fentanyl", 3, store=store)
    st = api._store(store, None)
    client = st.client
    api.search("fentanyl deaths", 3, store=store)
    assert st.client is client and st.refresh() is False


def test_writers_take_turns_through_the_lock_file(folders, tmp_path):
    store = tmp_path / "store"
    assert qa_cli("ingest", str(folders[0]), "--store", str(store)).returncode == 0
    with FileLock(str(store / WRITE_LOCK)):  # another writer is at work
        busy = qa_cli("remove", "000_7585ecfd78e8c4f2.txt", "--store", str(store), env_extra={"QA_WRITE_LOCK_TIMEOUT": "1"})
    assert busy.returncode == 2
    assert "Another process" in busy.stderr and "chroma run" in busy.stderr and "QA_WRITE_LOCK_TIMEOUT" in busy.stderr
    assert "000_7585ecfd78e8c4f2.txt" in {d.doc_id for d in api.list_documents(store=store)}  # nothing was lost

    # Two ingestions started together both complete, one after the other.
    env = {**os.environ, "QA_EMBEDDING_MODEL": MODEL, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-m", "qa.cli", "ingest", str(f), "--store", str(store)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in (folders[1], CORPUS)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    st = api._store(store, None)
    docs = {d.doc_id: d.chunks for d in api.list_documents(store=store)}
    assert len(docs) == 8 and sum(docs.values()) == st.count()  # 2 + 1 + the corpus's 5 (same names in other folders: own ids)
    assert set(st.lexical().ids) == set(st.all_chunk_ids())
