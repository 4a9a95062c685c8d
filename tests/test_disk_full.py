"""A full disk under the store: ingestion stops with one message naming the folder and the fix, the store stays
consistent and readable, and once there is room a re-run completes.

The store lives on a small tmpfs mounted for the test (needs root, as in CI); vectors come from the fake embedder,
the store is real Chroma with its BM25 index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from qa.errors import StoreFull
from tests.conftest import ROOT, FakeEmbedder
from tests.test_faults import SQUAD, consistent

pytestmark = pytest.mark.skipif(not SQUAD.exists(), reason="needs the SQuAD passages in ../shared/eval")


@pytest.fixture
def small_disk(tmp_path):
    """(mount point, resize) of a 6 MB tmpfs, unmounted at the end."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")

    def resize(size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(mnt)], check=True)

    yield mnt, resize
    subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def passages(tmp_path):
    """The first 600 SQuAD passages as a .jsonl (outside the small disk) and their ids."""
    lines = SQUAD.read_text(encoding="utf-8").splitlines()[:600]
    path = tmp_path / "passages.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, {str(json.loads(line)["pid"]) for line in lines}


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    from qa import api
    from qa.settings import get_settings

    monkeypatch.setenv("QA_EMBEDDING_MODEL", FakeEmbedder.name)
    get_settings.cache_clear()
    monkeypatch.setattr(api, "_embedder", FakeEmbedder)
    monkeypatch.setattr(api, "_LazyEmbedder", FakeEmbedder)


def fill(folder: Path) -> Path:
    """Take every free byte of the disk holding ``folder``."""
    filler = folder.parent / f"filler-{uuid.uuid4().hex}"
    # Unbuffered: a buffered file would flush its rest on close and raise ENOSPC there, out of the loop below.
    with filler.open("wb", buffering=0) as fh:
        for size in (2**16, 2**12, 1):  # big writes, then smaller ones for the last bytes
            try:
                while True:
                    if not fh.write(b"\0" * size):
                        break
            except OSError:
                pass
    assert shutil.disk_usage(folder).free < 2**16
    return filler


def assert_clear(message: str, store: Path) -> None:
    assert str(store) in message and "is full" in message and "qa ingest" in message and "QA_STORE" in message, message
    assert "Traceback" not in message and "sqlite" not in message.lower()


def test_disk_full_mid_ingestion_stops_cleanly_and_a_rerun_completes(small_disk, passages):
    from typer.testing import CliRunner

    from qa import api
    from qa.cli import app

    mnt, resize = small_disk
    source, all_ids = passages
    store = mnt / "store"
    result = CliRunner().invoke(app, ["ingest", str(source), "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert_clear(result.output, store)
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1, result.output
    recorded = set(consistent(store))
    assert 0 < len(recorded) < len(all_ids), "the disk must fill mid-run: change the tmpfs size"
    assert not list((store / "lexical").glob("*.tmp")), "a partial BM25 index was left behind"

    # a truly full disk still answers
    filler = fill(store)
    assert [p.doc_id for p in api.search("When did the 1973 oil crisis begin?", 3, store=store)]
    assert "October 1973" in api.ask("When did the 1973 oil crisis begin?", store=store).text

    filler.unlink()
    resize("40m")
    report = api.ingest([source], store=store)
    assert set(report.added) == all_ids - recorded and set(report.skipped) == recorded
    assert set(consistent(store)) == all_ids
    again = api.ingest([source], store=store)
    assert again.chunks_embedded == 0 and again.added == [] and set(again.skipped) == all_ids


def test_disk_already_full_before_ingestion_and_reads_still_work(small_disk, passages, tmp_path):
    from qa import api

    mnt, _ = small_disk
    source, _ = passages
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(source.read_text().splitlines()[:40]) + "\n")
    store = mnt / "store"
    assert len(api.ingest([first], store=store).added) == 40
    fill(store)
    with pytest.raises(StoreFull) as caught:
        api.ingest([source], store=store)
    assert_clear(str(caught.value), store)
    assert len(consistent(store)) == 40
    # the BM25 index gone while the disk is full: rebuilt in memory, and searches work
    shutil.rmtree(store / "lexical")
    api._stores.clear()
    assert "October 1973" in api.ask("When did the 1973 oil crisis begin?", store=store).text
    assert len(consistent(store)) == 40
    # a new store on a full disk
    with pytest.raises(StoreFull) as caught:
        api.ingest([first], store=mnt / "fresh")
    assert str(mnt / "fresh") in str(caught.value)


def test_bm25_index_that_cannot_be_saved_leaves_the_old_one(small_disk, passages, tmp_path, monkeypatch):
    from qa import api
    from qa.lexical_index import LexicalIndex

    mnt, resize = small_disk
    source, _ = passages
    store = mnt / "store"
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(source.read_text().splitlines()[:20]) + "\n")
    more = tmp_path / "more.jsonl"
    more.write_text("\n".join(source.read_text().splitlines()[20:40]) + "\n")
    api.ingest([small], store=store)
    saved = json.loads((store / "lexical" / "default" / "ids.json").read_text())
    real_save, fillers = LexicalIndex._save, []
    monkeypatch.setattr(LexicalIndex, "_save", lambda self, *a: (fillers.append(fill(store)), real_save(self, *a)))
    with pytest.raises(StoreFull):
        api.ingest([more], store=store)
    assert json.loads((store / "lexical" / "default" / "ids.json").read_text()) == saved, "the saved index changed"
    assert not (store / "lexical" / "default.tmp").exists()
    monkeypatch.setattr(LexicalIndex, "_save", real_save)
    assert len(consistent(store)) == 40  # rebuilt (in memory: the disk is still full) to match the collection
    for f in fillers:
        f.unlink()
    api._stores.clear()
    assert len(consistent(store)) == 40


RUN_WITHOUT_CHECK = """
import sys
sys.path.insert(0, {root!r})
from tests.conftest import FakeEmbedder
from qa import api, disk_space
api._LazyEmbedder = api._embedder = FakeEmbedder
disk_space.PER_BYTE = disk_space.RESERVE = 0  # no room check: Chroma's own write runs out of space
from qa.cli import app
app(["ingest", {source!r}, "--store", {store!r}])
"""


def test_chroma_write_that_runs_out_of_space_is_reported_and_recovers(small_disk, passages):
    """When the room check is wrong, Chroma's failed SQLite write still gives the same message, and a new run
    completes once there is room."""
    from qa import api

    mnt, resize = small_disk
    source, all_ids = passages
    store = mnt / "store"
    code = RUN_WITHOUT_CHECK.format(root=str(ROOT), source=str(source), store=str(store))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QA_STORE": str(store)})
    assert done.returncode == 2, done.stderr[-2000:]
    assert_clear(done.stderr, store)
    assert "Restart any program" in done.stderr
    resize("40m")
    report = api.ingest([source], store=store)
    assert set(consistent(store)) == all_ids
    assert api.ingest([source], store=store).chunks_embedded == 0
    assert report.added
