"""A damaged store says what is wrong and how to fix it; a damaged BM25 token file is rebuilt, not a crash."""

from __future__ import annotations

import shutil

import pytest

from qa.errors import StoreUnavailable
from qa.ingestion import Ingestion
from qa.lexical_index import LexicalIndex
from qa.store import ChromaStore
from tests.conftest import CORPUS


def test_a_token_file_cut_mid_line_is_rebuilt_at_the_next_ingestion(store, fake_embedder, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / "000_7585ecfd78e8c4f2.txt", docs)
    Ingestion(store, fake_embedder).run([docs])
    tokens = store.lexical_folder / "tokens.jsonl"
    data = tokens.read_bytes()
    tokens.write_bytes(data[: len(data) // 2])  # cut mid-line, as a crash or a full disk would leave it
    fresh = ChromaStore(store.name, "all-MiniLM-L6-v2", path=store.folder)  # a new process
    shutil.copy(CORPUS / "001_1d08fc473fcf1eb5.txt", docs)
    report = Ingestion(fresh, fake_embedder).run([docs])  # was: a raw JSONDecodeError
    assert report.added == ["001_1d08fc473fcf1eb5.txt"]
    index = LexicalIndex.load(fresh.lexical_folder)
    assert index.revision == fresh.revision() and sorted(index.ids) == sorted(fresh.all_chunk_ids())
    assert len(index.tokens()) == fresh.count()


def test_a_damaged_database_names_the_fix_not_permissions(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "chroma.sqlite3").write_bytes(b"this is not a database" * 1000)
    with pytest.raises(StoreUnavailable) as info:
        ChromaStore("default", "all-MiniLM-L6-v2", path=folder)
    message = str(info.value)
    assert "damaged" in message and "qa ingest" in message and "writable" not in message
