"""The store and ingestion suites again, against a real `chroma run` server on loopback (client/server mode).

The ingestion tests of tests/test_ingest.py are imported and run unchanged: this module overrides their ``store``
fixture with a collection on the server.  Then server-only behaviour (where the lexical index lives, two clients,
errors), a side-by-side comparison with the embedded store, and one end-to-end run with the real model.
"""

from __future__ import annotations

import shutil
import uuid

import pytest

from qa.errors import EmbeddingModelMismatch, StoreUnavailable
from qa.ingestion import Ingestion
from qa.retrieval import RetrievalConfig, Retriever
from qa.store import ChromaStore
from tests.chroma_server import chroma_server, free_port  # noqa: F401  (fixture)
from tests.conftest import CORPUS
from tests.test_ingest import (  # noqa: F401  (collected here again, with the server store)
    docs,
    test_bad_files_are_reported_and_the_rest_ingested,
    test_changed_file_replaces_its_chunks_and_reuses_unchanged_vectors,
    test_crash_mid_ingestion_leaves_a_consistent_store_and_rerun_completes,
    test_prune_removes_documents_of_deleted_files,
    test_same_name_in_two_folders_gets_two_ids,
    test_second_run_embeds_and_adds_nothing,
    test_touched_but_unchanged_file_is_not_reembedded,
)

pytestmark = pytest.mark.server

MODEL = "all-MiniLM-L6-v2"


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


@pytest.fixture(autouse=True)
def qa_cache(tmp_path, monkeypatch):
    """The BM25 index of a server-backed collection is cached under $QA_CACHE: keep it in the test's folder."""
    monkeypatch.setenv("QA_CACHE", str(tmp_path / "qa-cache"))
    return tmp_path / "qa-cache"


@pytest.fixture
def store(chroma_server):
    """Overrides conftest's embedded store: a fresh collection on the server for each test."""
    return ChromaStore(unique_name(), MODEL, host=chroma_server.host, port=chroma_server.port)


def ingest(store, embedder, paths, **kw):
    return Ingestion(store, embedder, chunk_chars=700).run(paths, **kw)


def test_server_store_keeps_its_lexical_index_under_the_cache(store, fake_embedder, docs, qa_cache, chroma_server):
    assert store.location == f"chroma server at {chroma_server.host}:{chroma_server.port}"
    assert store.lexical_folder == qa_cache / "lexical" / f"{chroma_server.host}-{chroma_server.port}" / store.name
    report = ingest(store, fake_embedder, [docs])
    assert report.chunks_added == store.count() > 0
    assert (store.lexical_folder / "state.json").exists()
    assert len(store.lexical().ids) == store.count()
    assert not (chroma_server.path / "lexical").exists()  # nothing of ours is written into the server's folder


def test_a_second_client_sees_the_first_clients_writes(store, fake_embedder, docs, chroma_server, tmp_path, monkeypatch):
    ingest(store, fake_embedder, [docs / "000_7585ecfd78e8c4f2.txt"])
    monkeypatch.setenv("QA_CACHE", str(tmp_path / "other-cache"))  # another machine: its own BM25 cache
    other = ChromaStore(store.name, MODEL, host=chroma_server.host, port=chroma_server.port, create=False)
    assert other.count() == store.count()
    assert set(other.lexical().ids) == set(store.all_chunk_ids())  # built from the server's chunks
    ingest(store, fake_embedder, [docs])  # the first client adds more...
    assert set(other.lexical().ids) == set(store.all_chunk_ids())  # ...the second notices the new revision
    hits = Retriever(other, fake_embedder, RetrievalConfig(mode="lexical")).search("precursor chemicals export controls", 3)
    assert hits and all(h.chunk_id in set(store.all_chunk_ids()) for h in hits)


def test_lost_lexical_cache_is_rebuilt_from_the_server(store, fake_embedder, docs, chroma_server):
    ingest(store, fake_embedder, [docs])
    ids = set(store.all_chunk_ids())
    shutil.rmtree(store.lexical_folder)
    fresh = ChromaStore(store.name, MODEL, host=chroma_server.host, port=chroma_server.port, create=False)
    assert set(fresh.lexical().ids) == ids
    assert (fresh.lexical_folder / "state.json").exists()


def test_search_works_the_same_as_on_the_embedded_store(store, fake_embedder, docs, tmp_path):
    embedded = ChromaStore("same", MODEL, path=tmp_path / "embedded")
    ingest(store, fake_embedder, [docs])
    ingest(embedded, fake_embedder, [docs])
    assert sorted(store.all_chunk_ids()) == sorted(embedded.all_chunk_ids())
    assert store.list_documents() == embedded.list_documents()
    questions = ["How many fentanyl-linked deaths were estimated in 2024?", "precursor chemicals exported from China",
                 "What did the summit agree on counternarcotics cooperation?"]
    for mode in ("dense", "lexical", "hybrid", "rerank"):
        for q in questions:
            on_server = Retriever(store, fake_embedder, RetrievalConfig(mode=mode)).search(q, 5)
            local = Retriever(embedded, fake_embedder, RetrievalConfig(mode=mode)).search(q, 5)
            assert [p.chunk_id for p in on_server] == [p.chunk_id for p in local], (mode, q)
            assert [round(p.score, 4) for p in on_server] == [round(p.score, 4) for p in local], (mode, q)


def test_remove_documents_on_the_server(store, fake_embedder, docs):
    ingest(store, fake_embedder, [docs])
    before = store.count()
    n = store.documents()["003_2dd44277a6e92a17.txt"]["chunks"]
    assert store.remove_documents(["003_2dd44277a6e92a17.txt"]) == n
    assert store.count() == before - n
    assert "003_2dd44277a6e92a17.txt" not in {d.doc_id for d in store.list_documents()}
    assert len(store.lexical().ids) == store.count()


def test_opening_a_server_collection_with_another_model_is_an_error(store, fake_embedder, docs, chroma_server):
    ingest(store, fake_embedder, [docs / "000_7585ecfd78e8c4f2.txt"])
    with pytest.raises(EmbeddingModelMismatch, match="all-MiniLM-L6-v2.*other-model"):
        ChromaStore(store.name, "other-model", host=chroma_server.host, port=chroma_server.port)


def test_missing_collection_on_the_server_is_a_clear_error(chroma_server):
    from qa.errors import CollectionNotFound

    with pytest.raises(CollectionNotFound, match="ingest documents first"):
        ChromaStore(unique_name("missing"), MODEL, host=chroma_server.host, port=chroma_server.port, create=False)


def test_no_server_listening_is_a_clear_error():
    port = free_port()
    with pytest.raises(StoreUnavailable, match=f"chroma run --host 127.0.0.1 --port {port}"):
        ChromaStore("x1x", MODEL, host="127.0.0.1", port=port)


def test_open_store_picks_the_server_from_the_environment(chroma_server, monkeypatch):
    from qa.settings import get_settings
    from qa.store import open_store

    monkeypatch.setenv("QA_CHROMA_HOST", chroma_server.host)
    monkeypatch.setenv("QA_CHROMA_PORT", str(chroma_server.port))
    get_settings.cache_clear()
    st = open_store(collection=unique_name())
    assert st.location == f"chroma server at {chroma_server.host}:{chroma_server.port}"
    assert open_store(store=chroma_server.path.parent / "elsewhere", collection="c1x").location.endswith("elsewhere")  # a folder given wins


@pytest.mark.integration
def test_end_to_end_ingest_and_ask_through_the_server(chroma_server, monkeypatch):
    """The bundled corpus with the real model, through `qa.api` with only QA_CHROMA_HOST/PORT set."""
    from qa import api
    from qa.settings import get_settings

    monkeypatch.setenv("QA_CHROMA_HOST", chroma_server.host)
    monkeypatch.setenv("QA_CHROMA_PORT", str(chroma_server.port))
    monkeypatch.setenv("QA_COLLECTION", unique_name("e2e"))
    get_settings.cache_clear()
    api._stores.clear()

    first = api.ingest([CORPUS])
    assert len(first.added) == 5 and first.failed == [] and first.chunks_embedded == first.chunks_added > 0
    assert api._stores and all(s.location.startswith("chroma server") for s in api._stores.values())
    again = api.ingest([CORPUS])
    assert again.chunks_embedded == 0 and sorted(again.skipped) == sorted(first.added)
    assert len(api.list_documents()) == 5

    answer = api.ask("How many fentanyl-linked deaths were estimated in 2024?")
    assert answer.grounded and "48,422" in answer.text
    assert answer.citations and answer.citations[0].doc_id == "000_7585ecfd78e8c4f2.txt"
    passages = api.search("precursor chemicals", k=3)
    assert len(passages) == 3
