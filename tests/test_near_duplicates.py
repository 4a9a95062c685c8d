"""Near-identical chunks of one document are embedded and stored once."""

from __future__ import annotations

from qa.ingestion import Ingestion
from qa.near_duplicates import collapse_near_duplicates, text_key
from qa.types import Chunk


def chunk(i: int, text: str) -> Chunk:
    return Chunk(chunk_id=f"d::{i}", doc_id="d", title="D", source="d.txt", index=i, text=text, start=i * 100, end=i * 100 + len(text))


def test_repeats_differing_only_in_case_spacing_and_punctuation_collapse_to_the_first():
    chunks = [chunk(0, "Deaths rose to 73,600 in 2022."), chunk(1, "deaths  rose to 73,600 in 2022"), chunk(2, "Deaths rose to 76,226 in 2022."),
              chunk(3, "DEATHS ROSE TO 73 600 IN 2022!")]
    kept = collapse_near_duplicates(chunks)
    assert [c.chunk_id for c in kept] == ["d::0", "d::2"]  # a different figure (76,226) is kept
    assert kept[0].start == 0 and text_key(chunks[0].text) == text_key(chunks[1].text)


def test_a_document_of_one_repeated_paragraph_is_embedded_once(tmp_path, store, fake_embedder):
    paragraph = "The committee met on Tuesday and approved the annual budget of the harbour authority without changes. "
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "repeated.txt").write_text("A report on harbour budgets.\n\n" + paragraph * 300)
    report = Ingestion(store, fake_embedder).run([tmp_path / "docs"])
    assert report.added == ["repeated.txt"]
    assert report.chunks_embedded == store.count() < 10  # 300 copies of one paragraph: a few distinct chunks
    assert store.documents()["repeated.txt"]["chunks"] == store.count()
