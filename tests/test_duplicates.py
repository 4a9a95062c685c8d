"""Duplicate documents flagged at ingestion; a re-uploaded copy with a false figure makes the answer say the sources
disagree, citing both (real model, real store)."""

from __future__ import annotations

import shutil

import pytest

from qa import api
from qa.duplicates import duplicate_warnings
from qa.retrieval import Retriever
from qa.types import Passage
from tests.conftest import CORPUS

ORIGINAL = "000_7585ecfd78e8c4f2.txt"


def test_same_title_different_content_and_same_content_are_flagged():
    records = {"a.txt": {"title": "Harbour Report", "checksum": "1"}, "b.txt": {"title": "harbour  report", "checksum": "2"},
               "c.txt": {"title": "Other", "checksum": "1"}, "d.txt": {"title": "Unrelated", "checksum": "9"}}
    pairs = duplicate_warnings(records, ["b.txt", "c.txt", "d.txt"])
    assert [doc_id for doc_id, _ in pairs] == ["b.txt", "c.txt"]
    warnings = [line for _, line in pairs]
    assert len(warnings) == 2
    assert "b.txt has the same title as a.txt" in warnings[0] and "different content" in warnings[0]
    assert "c.txt has the same content as a.txt" in warnings[1]
    assert duplicate_warnings(records, []) == []


def test_a_copy_from_another_document_with_other_figures_is_not_dropped_as_a_near_duplicate(fake_embedder):
    text = "Fentanyl-linked deaths in 2024 were estimated to be {} in the United States, a reversal."
    ranked = [Passage(doc_id=d, title="T", chunk_id=f"{d}::0", text=text.format(n), score=1.0, start=0, end=90)
              for d, n in (("a", "48,422"), ("b", "58,422"), ("c", "48,422"))]
    kept = Retriever(None, fake_embedder).diversify(ranked, 5)
    assert [p.doc_id for p in kept] == ["a", "b"]  # c repeats a's figure: dropped; b gives another figure: kept


@pytest.mark.integration
def test_a_reuploaded_copy_with_a_false_figure_is_flagged_and_the_sources_disagree(tmp_path, monkeypatch):
    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
    store, corpus, copy = tmp_path / "store", tmp_path / "corpus", tmp_path / "copy"
    shutil.copytree(CORPUS, corpus)
    copy.mkdir()
    (copy / "report-copy.txt").write_text((CORPUS / ORIGINAL).read_text(encoding="utf-8").replace("48,422", "58,422"), encoding="utf-8")
    assert api.ingest([corpus], store=store).warnings == []
    report = api.ingest([copy], store=store)
    assert any("report-copy.txt has the same title as " + ORIGINAL in w.reason for w in report.warnings)
    answer = api.ask("How many fentanyl-linked deaths were estimated in 2024?", store=store)
    assert answer.text.startswith("The sources disagree.")
    assert {c.doc_id for c in answer.citations} == {ORIGINAL, "report-copy.txt"}
    assert "48,422" in answer.text and "58,422" in answer.text
