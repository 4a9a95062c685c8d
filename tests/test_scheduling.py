"""Questions ahead of bulk embedding: a real thread ingests a large document through qa.api into a real Chroma store
while questions are asked; every question completes before the bulk work does (ordering, never time)."""

from __future__ import annotations

import threading
import time

from qa import api, embedding
from qa.scheduling import BULK_BATCH, FIRST_BATCH, GATE, PriorityGate, ScheduledEmbedder
from tests.conftest import FakeEmbedder


class ModelLike(FakeEmbedder):
    """The fake embedder run the way a real model is: one call at a time under a lock, taking time per text."""

    def __init__(self, model=None, seconds_per_text: float = 0.004):
        super().__init__(model)
        self.lock = threading.Lock()
        self.seconds_per_text = seconds_per_text
        self.batch_sizes: list[int] = []

    def embed_batch(self, texts):
        with self.lock:
            self.batch_sizes.append(len(texts))
            time.sleep(self.seconds_per_text * len(texts))
            return super().embed_batch(texts)


def big_document(path, chunks: int = 600):
    sentences = [f"Harbour report {i}: the {['north', 'south', 'east', 'west'][i % 4]} quay handled {1000 + 37 * i} containers "
                 f"in week {i % 52} and {i * 13 % 97} ships waited for berths." for i in range(chunks * 6)]
    path.write_text("Harbour traffic, week by week.\n\n" + " ".join(sentences))


def test_bulk_embedding_runs_in_small_batches_in_order():
    inner = ModelLike(seconds_per_text=0)
    texts = [f"text {i}" for i in range(50)]
    assert ScheduledEmbedder(inner, PriorityGate(), batch_size=16).embed_batch(texts) == FakeEmbedder().embed_batch(texts)
    assert inner.batch_sizes == [16, 16, 16, 2]  # nobody is asking: batches of 16 (the most asked for here)


def test_while_questions_are_asked_bulk_batches_are_sized_by_time():
    inner, gate = ModelLike(seconds_per_text=0), PriorityGate()
    texts = [f"text {i}" for i in range(50)]
    with gate.foreground():  # a question in flight (its batch waits for it a moment, then runs)
        assert ScheduledEmbedder(inner, gate, batch_size=16).embed_batch(texts) == FakeEmbedder().embed_batch(texts)
    assert sum(inner.batch_sizes) == 50 and inner.batch_sizes[0] == FIRST_BATCH and max(inner.batch_sizes) <= 16


def test_questions_complete_while_a_large_document_is_being_ingested(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
    model = ModelLike()
    monkeypatch.setattr(embedding, "get_embedder", lambda *a, **k: model)
    store = tmp_path / "store"
    (tmp_path / "small").mkdir()
    (tmp_path / "small" / "ports.txt").write_text("Ports of the north. The north quay handled 4,210 containers in week 3.")
    api.ingest([tmp_path / "small"], store=store)
    (tmp_path / "big").mkdir()
    big_document(tmp_path / "big" / "harbour.txt")

    events: list[str] = []
    bulk = threading.Thread(target=lambda: (api.ingest([tmp_path / "big"], store=store), events.append("bulk done")))
    batches_before = GATE.background_batches
    bulk.start()
    while GATE.background_batches < batches_before + 2 and bulk.is_alive():  # the bulk work is under way
        time.sleep(0.01)
    for i in range(5):
        passages = api.search(f"How many containers did the north quay handle in week {i + 3}?", 3, store=store)
        assert passages
        events.append(f"question {i}")
    bulk.join(timeout=600)
    assert not bulk.is_alive()
    assert events[-1] == "bulk done" and len(events) == 6, events
    assert max(model.batch_sizes) <= BULK_BATCH and len(model.batch_sizes) > 5  # the model was taken in small turns
    assert {d.doc_id for d in api.list_documents(store=store)} == {"ports.txt", "harbour.txt"}


def test_a_background_batch_waits_for_a_question_in_flight_but_not_forever():
    gate = PriorityGate(max_wait=0.3)
    order: list[str] = []

    def batch():
        with gate.background():
            order.append("batch")

    with gate.foreground():
        waiting = threading.Thread(target=batch)
        waiting.start()
        time.sleep(0.05)
        order.append("question")  # the batch has not run: a question is in flight
        waiting.join(timeout=5)  # ...and runs after max_wait although the question is still in flight
    assert order == ["question", "batch"] and not waiting.is_alive()


def test_a_scheduled_question_keeps_the_model_s_query_instruction():
    """bge-small embeds a question with its instruction first: the scheduler must not fall back to plain ``embed``."""

    class Instructed(FakeEmbedder):
        def embed_query(self, text):
            return self.embed("query: " + text)

    inner = Instructed()
    scheduled = ScheduledEmbedder(inner, PriorityGate())
    assert embedding.embed_query(scheduled, "harbour") == inner.embed("query: harbour") != inner.embed("harbour")
