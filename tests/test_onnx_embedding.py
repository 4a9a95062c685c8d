"""The ONNX Runtime backend: a checked export of the real model, reused, and the same vectors as PyTorch."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import numpy as np
import pytest

from qa import embedding, onnx_embedding
from qa.onnx_embedding import ExportFailed

MODEL = "all-MiniLM-L6-v2"
TEXTS = [
    "Who won?",
    "How many people died of fentanyl overdoses in 2022, according to the CDC?",
    " ".join(["China agreed to curb exports of the chemicals used to make fentanyl."] * 60),  # past the 256-token limit
    "Crème brûlée — “smart quotes”, 1,204 passages; ü ß 中文",
    "",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model-cache")
    old = os.environ.get("QA_MODEL_CACHE")
    os.environ["QA_MODEL_CACHE"] = str(folder)
    embedding.get_embedder.cache_clear()
    yield folder
    embedding.get_embedder.cache_clear()
    if old is None:
        os.environ.pop("QA_MODEL_CACHE", None)
    else:
        os.environ["QA_MODEL_CACHE"] = old


@pytest.mark.integration
def test_export_gives_the_same_vectors_as_sentence_transformers(cache):
    onnx = embedding.get_embedder(MODEL, 2, "onnx")  # batches of 2: the batching and reordering are exercised
    assert isinstance(onnx, onnx_embedding.OnnxEmbedder)
    torch_model = embedding.SentenceTransformerEmbedder(MODEL)
    ours, theirs = np.asarray(onnx.embed_batch(TEXTS)), np.asarray(torch_model.embed_batch(TEXTS))
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert (ours * theirs).sum(axis=1).min() > 0.9999
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert np.allclose(onnx.embed(TEXTS[1]), ours[1], atol=1e-5)  # alone or in a padded batch: the same vector
    assert onnx.max_tokens == torch_model.max_tokens == 256
    exports = list((cache / "onnx").iterdir())
    assert [p.name.startswith(f"{MODEL}-") for p in exports] == [True]  # one export, no temp folders left
    assert (exports[0] / "check.json").exists()


@pytest.mark.integration
def test_a_cached_export_is_reused_without_importing_torch(cache, monkeypatch):
    embedding.get_embedder(MODEL, 64, "onnx")  # made by the test above, or now
    monkeypatch.setattr(onnx_embedding, "_export", lambda *a: pytest.fail("exported again"))
    model_dir = embedding.MODELS[MODEL]()
    assert onnx_embedding.onnx_file(MODEL, model_dir).exists()
    code = (
        "import sys; from qa.embedding import get_embedder; e = get_embedder('all-MiniLM-L6-v2');"
        "v = e.embed('a question'); print(type(e).__name__, len(v), 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "QA_MODEL_CACHE": str(cache)}, timeout=120)
    assert out.stdout.split() == ["OnnxEmbedder", "384", "False"], out.stderr


@pytest.mark.integration
def test_an_export_that_disagrees_is_refused_and_pytorch_runs_the_model(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("QA_MODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(onnx_embedding, "_agreement", lambda model_dir, path: 0.93)
    embedding.get_embedder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="qa.embedding"):
            model = embedding.get_embedder(MODEL, 64, "onnx")
    finally:
        embedding.get_embedder.cache_clear()
    assert isinstance(model, embedding.SentenceTransformerEmbedder)
    assert "disagrees with the PyTorch model (cosine 0.930000" in caplog.text and "PyTorch instead" in caplog.text
    assert list((tmp_path / "onnx").iterdir()) == []  # nothing half-made is left to be picked up later


def test_a_failed_export_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_MODEL_CACHE", str(tmp_path))

    def broken(model_dir, dest):
        dest.write_bytes(b"half a model")
        raise ExportFailed("Exporting to ONNX failed: out of memory")

    monkeypatch.setattr(onnx_embedding, "_export", broken)
    with pytest.raises(ExportFailed, match="out of memory"):
        onnx_embedding.onnx_file(MODEL, embedding.MODELS[MODEL]())
    assert list((tmp_path / "onnx").iterdir()) == []


def test_unknown_backend_and_model_are_clear_errors():
    with pytest.raises(ValueError, match="'onnx' or 'torch'.*QA_EMBEDDING_BACKEND"):
        embedding.get_embedder(MODEL, 64, "tensorflow")
    with pytest.raises(embedding.ModelNotInstalled, match="Known models: .*all-MiniLM-L6-v2.*QA_EMBEDDING_MODEL"):
        embedding.get_embedder("no-such-model", 64, "onnx")


def test_a_model_that_does_not_mean_pool_is_not_exported(tmp_path):
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}')
    with pytest.raises(ExportFailed, match="mean pooling"):
        onnx_embedding.model_limits(tmp_path)
