"""Ingestion logic on a real embedded Chroma store, with the fake embedder."""

import os
import shutil

import pytest

from qa.errors import EmbeddingModelMismatch
from qa.ingestion import Ingestion
from qa.store import ChromaStore
from tests.conftest import CORPUS


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    return folder


def run(store, embedder, paths, **kw):
    return Ingestion(store, embedder, chunk_chars=700).run(paths, **kw)


def snapshot(store):
    got = store.chunks.get(include=["documents", "metadatas"])
    return sorted(zip(got["ids"], got["documents"]))


def test_second_run_embeds_and_adds_nothing(store, fake_embedder, docs):
    first = run(store, fake_embedder, [docs])
    assert sorted(first.added) == sorted(p.name for p in docs.iterdir())
    assert first.chunks_added == first.chunks_embedded == store.count() > 0
    before, embedded_before = snapshot(store), fake_embedder.texts_embedded

    second = run(store, fake_embedder, [docs])
    assert second.added == second.replaced == [] and second.chunks_added == 0 and second.chunks_embedded == 0
    assert sorted(second.skipped) == sorted(first.added)
    assert fake_embedder.texts_embedded == embedded_before
    assert snapshot(store) == before


def test_touched_but_unchanged_file_is_not_reembedded(store, fake_embedder, docs):
    run(store, fake_embedder, [docs])
    path = docs / "000_7585ecfd78e8c4f2.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = run(store, fake_embedder, [docs])
    assert report.chunks_embedded == 0 and "000_7585ecfd78e8c4f2.txt" in report.skipped


def test_changed_file_replaces_its_chunks_and_reuses_unchanged_vectors(store, fake_embedder, docs):
    run(store, fake_embedder, [docs])
    path = docs / "004_5da86a3ca6c791c0.txt"
    old_ids = set(store.chunks.get(where={"doc_id": path.name}, include=[])["ids"])
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA brand new closing paragraph about counternarcotics talks resuming in Vienna next spring.\n", encoding="utf-8")
    report = run(store, fake_embedder, [docs])
    assert report.replaced == [path.name] and report.added == []
    new = store.chunks.get(where={"doc_id": path.name}, include=["documents"])
    assert any("Vienna" in t for t in new["documents"])
    assert 0 < report.chunks_embedded < len(new["ids"])  # only the changed chunk(s) were embedded
    assert report.chunks_removed == len(old_ids)
    assert store.documents()[path.name]["chunks"] == len(new["ids"])


def test_prune_removes_documents_of_deleted_files(store, fake_embedder, docs):
    run(store, fake_embedder, [docs])
    (docs / "003_2dd44277a6e92a17.txt").unlink()
    kept = run(store, fake_embedder, [docs])
    assert kept.removed == [] and "003_2dd44277a6e92a17.txt" in store.documents()
    pruned = run(store, fake_embedder, [docs], prune=True)
    assert pruned.removed == ["003_2dd44277a6e92a17.txt"]
    assert "003_2dd44277a6e92a17.txt" not in store.documents()
    assert store.chunks.get(where={"doc_id": "003_2dd44277a6e92a17.txt"}, include=[])["ids"] == []


def test_bad_files_are_reported_and_the_rest_ingested(store, fake_embedder, docs):
    (docs / "notes.xyz").write_bytes(b"PK\x03\x04 not supported")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (docs / "binary.txt").write_bytes(b"\x00\xff" * 50)
    (docs / "records.jsonl").write_text('{"id": "r1", "text": "A record about harbour cranes being repaired."}\n{oops\n', encoding="utf-8")
    report = run(store, fake_embedder, [docs, docs / "missing.txt"])
    failed = {os.path.basename(p.path.split(":")[0]): p.reason for p in report.failed}
    assert set(failed) == {"notes.xyz", "broken.pdf", "binary.txt", "records.jsonl", "missing.txt"}
    assert "unknown file type" in failed["notes.xyz"]
    assert "r1" in report.added and len(report.added) == 6  # five articles and the good record


def test_crash_mid_ingestion_leaves_a_consistent_store_and_rerun_completes(store, fake_embedder, docs):
    class Crash(RuntimeError):
        pass

    class CrashingEmbedder(type(fake_embedder)):
        def embed_batch(self, texts):
            if self.calls >= 1:
                raise Crash("killed")
            return super().embed_batch(texts)

    crashing = CrashingEmbedder()
    ingestion = Ingestion(store, crashing, chunk_chars=700, batch_chunks=20)
    with pytest.raises(Crash):
        ingestion.run([docs])
    recorded = store.documents()
    assert 0 < len(recorded) < 5
    # every recorded document has exactly its chunks; nothing unrecorded is half there
    for doc_id, record in recorded.items():
        assert len(store.chunks.get(where={"doc_id": doc_id}, include=[])["ids"]) == record["chunks"]
    report = run(store, fake_embedder, [docs])
    assert sorted(report.added) == sorted(set(p.name for p in docs.iterdir()) - set(recorded))
    assert sum(r["chunks"] for r in store.documents().values()) == store.count()


def test_same_name_in_two_folders_gets_two_ids(store, fake_embedder, tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "readme.txt").write_text(f"Folder {name} says hello to everyone reading this file.", encoding="utf-8")
    r1 = run(store, fake_embedder, [tmp_path / "a"])
    r2 = run(store, fake_embedder, [tmp_path / "b"])
    assert r1.added == ["readme.txt"] and len(r2.added) == 1 and r2.added[0].startswith("readme.txt@")
    assert len(store.documents()) == 2


def test_opening_a_collection_with_another_model_is_an_error(tmp_path, fake_embedder, docs):
    st = ChromaStore("mixed", "all-MiniLM-L6-v2", path=tmp_path / "c")
    run(st, fake_embedder, [docs / "000_7585ecfd78e8c4f2.txt"])
    with pytest.raises(EmbeddingModelMismatch, match="all-MiniLM-L6-v2.*other-model"):
        ChromaStore("mixed", "other-model", path=tmp_path / "c")


def test_the_default_model_follows_an_existing_collection_but_an_explicit_one_must_match(tmp_path, monkeypatch, fake_embedder, docs):
    """A store built before the default model changed still opens, and is read and added to with its own model."""
    from qa.settings import get_settings
    from qa.store import open_store

    st = ChromaStore("older", "all-MiniLM-L6-v2", path=tmp_path / "c")
    run(st, fake_embedder, [docs / "000_7585ecfd78e8c4f2.txt"])
    monkeypatch.delenv("QA_EMBEDDING_MODEL", raising=False)
    get_settings.cache_clear()
    assert get_settings().embedding_model != "all-MiniLM-L6-v2"
    assert open_store(tmp_path / "c", "older").embedding_model == "all-MiniLM-L6-v2"
    assert open_store(tmp_path / "c", "newer").embedding_model == get_settings().embedding_model  # a new one: the default
    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-mpnet-base-v2")
    get_settings.cache_clear()
    with pytest.raises(EmbeddingModelMismatch, match="embedded with 'all-MiniLM-L6-v2'.*QA_EMBEDDING_MODEL=all-MiniLM-L6-v2"):
        open_store(tmp_path / "c", "older")


def test_store_needs_exactly_one_location(tmp_path):
    with pytest.raises(ValueError, match="exactly one"):
        ChromaStore("x1x", "m", path=tmp_path, host="localhost")
    with pytest.raises(ValueError, match="exactly one"):
        ChromaStore("x1x", "m")


def test_links_out_of_the_folder_and_huge_files_are_skipped(store, fake_embedder, docs, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("A secret file outside the ingested folder.", encoding="utf-8")
    (docs / "link.txt").symlink_to(outside)
    (docs / "big.txt").write_text("word " * 300_000, encoding="utf-8")  # about 1.4 MiB
    report = Ingestion(store, fake_embedder, max_file_bytes=2**20).run([docs])
    reasons = {os.path.basename(p.path): p.reason for p in report.failed}
    assert "outside the folder" in reasons["link.txt"] and "limit" in reasons["big.txt"]
    assert len(report.added) == 5  # the articles are all in


def test_invalid_collection_name_is_a_clear_error(tmp_path):
    from qa.errors import InvalidCollectionName

    with pytest.raises(InvalidCollectionName, match="not valid"):
        ChromaStore("x", "m", path=tmp_path)


@pytest.mark.parametrize(
    ("title", "doc_id", "text", "embedded"),
    [
        ("Fentanyl deaths", "000.txt", "Deaths fell.", "Fentanyl deaths\nDeaths fell."),  # a real title is context
        ("rgb12-neg8", "rgb12-neg8", "Tesla revenue rose.", "Tesla revenue rose."),  # a bare id is not
        ("Deaths fell", "000.txt", "Deaths fell sharply.", "Deaths fell sharply."),  # already the first words
        ("", "a.jsonl#1", "Some text.", "Some text."),
    ],
)
def test_what_is_embedded_for_a_chunk(title, doc_id, text, embedded):
    from qa.ingestion import embedding_text
    from qa.types import Chunk

    chunk = Chunk(chunk_id=f"{doc_id}::0", doc_id=doc_id, title=title, text=text, index=0, start=0, end=len(text), source=doc_id)
    assert embedding_text(chunk) == embedded


def test_a_document_recorded_by_an_older_reading_is_read_again(store, fake_embedder, docs, monkeypatch):
    """A store built before a change to reading or chunking must not keep its old chunks for unchanged files."""
    import qa.ingestion

    run(store, fake_embedder, [docs])
    monkeypatch.setattr(qa.ingestion, "READING_VERSION", qa.ingestion.READING_VERSION + 1)
    report = run(store, fake_embedder, [docs])
    assert sorted(report.replaced) == sorted(p.name for p in docs.iterdir()) and report.skipped == []
    assert report.chunks_embedded == 0  # the same chunk texts keep their vectors
    assert {m["reading"] for m in store.documents().values()} == {qa.ingestion.READING_VERSION}
    again = run(store, fake_embedder, [docs])
    assert again.replaced == [] and sorted(again.skipped) == sorted(report.replaced)


def test_a_chunk_whose_section_is_renamed_is_embedded_again(store, fake_embedder, tmp_path):
    """The heading path is embedded with the chunk, so a vector is reused only for the same title, heading and text."""
    folder = tmp_path / "md"
    folder.mkdir()
    page = folder / "guide.md"
    body = "Backups run every night at two and keep thirty days of history for every project in the workspace."
    page.write_text(f"# Guide\n\n## Backups\n\n{body}\n\n## Restores\n\nA restore takes about ten minutes for a typical project.\n", encoding="utf-8")
    run(store, fake_embedder, [folder])
    page.write_text(f"# Guide\n\n## Nightly copies\n\n{body}\n\n## Restores\n\nA restore takes about ten minutes for a typical project.\n", encoding="utf-8")
    report = run(store, fake_embedder, [folder])
    assert report.replaced == ["guide.md"]
    got = store.chunks.get(where={"doc_id": "guide.md"}, include=["metadatas", "documents"])
    renamed = [m["heading"] for m, t in zip(got["metadatas"], got["documents"]) if "Backups run" in t]
    assert renamed and all("Nightly copies" in h for h in renamed)
    assert report.chunks_embedded == len(renamed)  # the renamed section's chunk, and only it
