"""Bulk embedding in a low-priority worker process (qa.bulk_worker) and batches sized by time (qa.scheduling): a real
model (all-MiniLM-L6-v2 on ONNX Runtime) in a real spawned process; ordering and values, never time."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from qa import api, bulk_worker
from qa.embedding import get_embedder
from qa.scheduling import FIRST_BATCH, BatchSizer, PriorityGate, ScheduledEmbedder, model_spec
from qa.settings import get_settings
from tests.conftest import FakeEmbedder

MODEL = "all-MiniLM-L6-v2"
TEXTS = [f"Entry {i}: the {['north', 'south', 'east', 'west'][i % 4]} quay handled {1000 + 37 * i} containers in week {i % 52}."
         for i in range(60)]


def wait_until(condition, limit: float = 120.0) -> bool:
    """Polls ``condition`` until it holds (a loaded machine may take long: the limit only stops a hung test)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def thread_nice_values(pid: int) -> set[int]:
    return {os.getpriority(os.PRIO_PROCESS, int(tid)) for tid in os.listdir(f"/proc/{pid}/task")}


@pytest.fixture
def worker_mode(monkeypatch):
    monkeypatch.setenv("QA_BULK_EMBEDDING", "worker")
    monkeypatch.setenv("QA_EMBEDDING_MODEL", MODEL)
    get_settings.cache_clear()
    yield
    bulk_worker.close_workers()


def started_worker(model) -> bulk_worker.BulkWorker:
    s = get_settings()
    worker = bulk_worker.worker_for(model_spec(model, s.embedding_backend), s.bulk_nice, s.bulk_worker_idle)
    assert worker is not None
    assert wait_until(lambda: worker.ready or worker.failed), "the worker never loaded its model"
    assert worker.ready, worker.failed
    return worker


def test_the_worker_embeds_as_the_model_does_at_a_lower_priority(worker_mode):
    model = get_embedder(MODEL)
    expected = np.asarray(model.embed_batch(TEXTS))
    worker = started_worker(model)
    assert worker.pid != os.getpid() and thread_nice_values(worker.pid) == {get_settings().bulk_nice}  # every thread, the runtime's too
    got = np.asarray(ScheduledEmbedder(model, PriorityGate()).embed_batch(TEXTS))
    assert got.shape == expected.shape and np.allclose(got, expected, atol=1e-5)
    assert os.getpriority(os.PRIO_PROCESS, 0) == 0  # this process (its questions) keeps its priority


def test_a_killed_worker_is_replaced_by_in_process_embedding(worker_mode, caplog):
    model = get_embedder(MODEL)
    worker = started_worker(model)
    os.kill(worker.pid, signal.SIGKILL)
    assert wait_until(lambda: not worker.alive)
    got = np.asarray(ScheduledEmbedder(model, PriorityGate()).embed_batch(TEXTS))
    assert np.allclose(got, np.asarray(model.embed_batch(TEXTS)), atol=1e-5)  # nothing lost, nothing out of order
    assert worker.failed and "worker stopped" in caplog.text
    assert bulk_worker.running_worker(worker.spec) is None


def test_an_idle_worker_exits_and_a_new_one_starts_when_needed(worker_mode, monkeypatch):
    monkeypatch.setenv("QA_BULK_WORKER_IDLE", "0.5")
    get_settings.cache_clear()
    model = get_embedder(MODEL)
    worker = started_worker(model)
    worker.embed_batch(TEXTS[:3])
    assert wait_until(lambda: not worker.alive)  # its model's memory is freed
    assert bulk_worker.running_worker(worker.spec) is None
    assert started_worker(model) is not worker


def test_an_upload_goes_through_the_worker_into_a_searchable_store(worker_mode, tmp_path):
    model = get_embedder(MODEL)
    worker = started_worker(model)  # as it would be once questions are being asked
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "harbour.txt").write_text("Harbour traffic, week by week.\n\n" + " ".join(TEXTS * 3)
                                                    + " The lighthouse keeper logged 4,417 gull sightings in March.")
    report = api.ingest([tmp_path / "docs"], store=tmp_path / "store")
    assert report.chunks_embedded >= 5 and worker.alive and worker.ready
    best = api.search("How many gull sightings did the lighthouse keeper log?", 1, store=tmp_path / "store")[0]
    assert "4,417 gull sightings" in best.text


def test_auto_uses_the_worker_only_while_questions_are_being_asked(monkeypatch):
    gate = PriorityGate()
    scheduled = ScheduledEmbedder(FakeEmbedder(), gate)
    assert scheduled._bulk_mode() == "inline"  # nobody asked: bulk work runs here at normal priority
    with gate.foreground():
        assert scheduled._bulk_mode() == "auto"
    assert scheduled._bulk_mode() == "auto"  # a question just ended
    monkeypatch.setenv("QA_BULK_EMBEDDING", "inline")
    get_settings.cache_clear()
    with gate.foreground():
        assert scheduled._bulk_mode() == "inline"
    assert model_spec(FakeEmbedder(), "onnx") is None  # a test fake never goes to a worker


def test_batches_are_sized_by_the_time_the_model_takes():
    sizer = BatchSizer(seconds=0.4)
    texts = ["x" * 99] * 50  # 100 characters each, with a separator
    assert sizer.take(texts, 64) == FIRST_BATCH
    sizer.record(texts[:4], 0.4)  # 0.1 s a text
    assert sizer.take(texts, 64) == 4
    sizer.record(texts[:4], 0.0)  # faster now: the average of the last two measures
    assert sizer.take(texts, 64) == 8
    assert sizer.take(texts, 5) == 5 and sizer.take(texts[:2], 64) == 2
    assert sizer.take(["x" * 10_000], 64) == 1  # a text over the budget still runs, alone
    assert sizer.take(texts, 64, least=16) == 16 and sizer.take(texts, 64, seconds=0.8) == 16
