"""Shared fixtures: every test gets its own store folder; a deterministic fake embedder for logic tests."""

from __future__ import annotations

import hashlib
import math
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


class FakeEmbedder:
    """Bag of hashed words: texts sharing words get similar vectors.  Deterministic and instant."""

    name = "all-MiniLM-L6-v2"  # pretends to be the configured model so stores open
    dims = 64

    def __init__(self, model: str | None = None):  # the model name api passes is ignored: this is always the fake
        self.calls = 0
        self.texts_embedded = 0

    def embed_batch(self, texts):
        self.calls += 1
        self.texts_embedded += len(texts)
        out = []
        for text in texts:
            v = [0.0] * self.dims
            for w in re.findall(r"\w+", text.lower()):
                v[int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dims] += 1.0
            n = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / n for x in v])
        return out

    def embed(self, text):
        return self.embed_batch([text])[0]


def passage(i: int, text: str, start: int = 0):
    """A retrieved passage of document d<i> whose text starts at ``start`` in its document."""
    from qa.types import Passage

    return Passage(doc_id=f"d{i}", title=f"Doc {i}", chunk_id=f"d{i}::0", text=text, score=0.5, start=start, end=start + len(text))


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Point the default store at a temporary folder and re-read settings for each test."""
    from qa import api
    from qa.settings import get_settings

    monkeypatch.setenv("QA_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("QA_CHROMA_HOST", raising=False)
    get_settings.cache_clear()
    api._stores.clear()
    yield
    get_settings.cache_clear()
    api._stores.clear()


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture
def store(tmp_path):
    """A real embedded Chroma store on a temporary folder."""
    from qa.store import ChromaStore

    return ChromaStore("test", "all-MiniLM-L6-v2", path=tmp_path / "chroma")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory):
    """The bundled corpus ingested once with the real model into a temporary store (shared by integration tests)."""
    from qa import api

    folder = tmp_path_factory.mktemp("real-index")
    report = api.ingest([CORPUS], store=folder, collection="default")
    return folder, report
