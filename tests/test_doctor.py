"""`qa doctor`: a store checked against its records and its BM25 index, and repaired from its stored chunks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from qa import doctor
from qa.errors import StoreDamaged
from qa.ingestion import Ingestion
from qa.retrieval import Retriever
from qa.store import ChromaStore
from tests.conftest import CORPUS, ROOT

MODEL = "all-MiniLM-L6-v2"


def ledger(folder, chunks: int = 1300):
    from qa.benchmarks.busy_ingest import large_document

    folder.mkdir(exist_ok=True)
    large_document(folder / "ledger.txt", chunks)  # enough chunks for Chroma to write its index folders


@pytest.fixture
def filled(tmp_path, fake_embedder):
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    ledger(docs)
    path = tmp_path / "store"
    store = ChromaStore("default", MODEL, path=path)
    Ingestion(store, fake_embedder).run([docs])
    return path, docs


def test_a_healthy_store_has_no_findings(filled):
    report = doctor.check(ChromaStore("default", MODEL, path=filled[0]))
    assert report.healthy and report.documents == 6 and report.chunks > 1000


def test_deleted_vector_index_folders_give_a_clear_error_and_are_repaired_from_the_stored_chunks(filled, fake_embedder):
    path, _ = filled
    for folder in path.iterdir():
        if folder.is_dir() and folder.name != "lexical":
            shutil.rmtree(folder)  # Chroma's index folders
    store = ChromaStore("default", MODEL, path=path)
    store._reopen_client()  # as a new process would: nothing of the index kept in memory
    with pytest.raises(StoreDamaged, match=r"qa doctor --repair"):
        Retriever(store, fake_embedder).search("How many fentanyl-linked deaths were estimated in 2024?", 5)
    found = doctor.check(store)
    assert [f.kind for f in found.findings] == ["vector_index"]
    fixed = doctor.repair(store, fake_embedder)
    assert fixed.healthy and fixed.repaired[0].startswith("re-embedded") and fixed.chunks == found.chunks
    hits = Retriever(store, fake_embedder).search("fentanyl-linked deaths 2024 estimated 48,422", 5)
    assert hits and hits[0].doc_id == "000_7585ecfd78e8c4f2.txt"


def test_orphans_missing_chunks_and_a_stale_bm25_index_are_found_and_repaired(filled, fake_embedder):
    path, docs = filled
    store = ChromaStore("default", MODEL, path=path)
    store.manifest.delete(ids=["001_1d08fc473fcf1eb5.txt"])  # chunks without a record
    store.chunks.delete(ids=["002_ca82e986c9dc0bde.txt::0"])  # a record with a chunk missing
    (store.lexical_folder / "tokens.jsonl").write_text('["cut mid-li')
    report = doctor.check(store)
    kinds = {f.kind: f for f in report.findings}
    assert kinds["orphan_chunks"].doc_ids == ["001_1d08fc473fcf1eb5.txt"]
    assert kinds["missing_chunks"].doc_ids == ["002_ca82e986c9dc0bde.txt"]
    assert "lexical_index" in kinds
    fixed = doctor.repair(store, fake_embedder)
    assert fixed.healthy, fixed.findings
    again = Ingestion(store, fake_embedder).run([docs])  # the forgotten documents are read again
    assert sorted(again.added) == ["001_1d08fc473fcf1eb5.txt", "002_ca82e986c9dc0bde.txt"]
    assert doctor.check(store).healthy


def test_the_cli_reports_and_exits_1_on_problems(filled):
    path, _ = filled
    store = ChromaStore("default", MODEL, path=path)
    store.manifest.delete(ids=["001_1d08fc473fcf1eb5.txt"])
    env = {**os.environ, "QA_EMBEDDING_MODEL": MODEL, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "qa.cli", "doctor", "--store", str(path)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 1, out.stderr
    assert "unrecorded document" in out.stdout and "001_1d08fc473fcf1eb5.txt" in out.stdout and "qa doctor --repair" in out.stdout
