"""The whole flow on real parts: the bundled corpus, the real embedding model, a real Chroma store on disk."""

import re

import pytest

from qa import api
from qa.citations import check_citations
from qa.types import NOT_FOUND
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration


def test_deaths_in_2024(real_index):
    store, _ = real_index
    answer = api.ask("How many fentanyl-linked deaths were estimated in 2024?", store=store)
    assert answer.grounded and "48,422" in answer.text
    assert check_citations(answer.text, answer.citations) == []
    cited = [c for c in answer.citations if "48,422" in c.quote]
    assert cited and "48,422" in cited[0].text
    retrieved = {p.chunk_id for p in answer.passages}
    assert all(c.chunk_id in retrieved for c in answer.citations)  # nothing cited that was not retrieved


def test_citation_offsets_point_into_the_document(real_index):
    store, _ = real_index
    from qa.ingestion import iter_documents
    from tests.conftest import CORPUS

    docs = {d.doc_id: d for d in iter_documents([CORPUS])}
    answer = api.ask("When did China cut off drug control cooperation with the US?", store=store)
    assert answer.grounded
    for c in answer.citations:
        text = docs[c.doc_id].text
        assert text[c.quote_start : c.quote_end] == c.quote
        assert text[c.start : c.end] == c.text
    assert "2022" in answer.text


def test_out_of_corpus_question_is_declined(real_index):
    store, _ = real_index
    answer = api.ask("What is the capital of Australia?", store=store)
    assert answer.grounded is False and answer.text == NOT_FOUND and answer.citations == []


def test_search_returns_scored_passages(real_index):
    store, _ = real_index
    passages = api.search("export restrictions on fentanyl precursor chemicals", k=3, store=store)
    assert len(passages) == 3
    assert passages[0].score >= passages[1].score >= passages[2].score
    assert all(p.text and p.title and p.end > p.start for p in passages)
    assert passages[0].doc_id == "000_7585ecfd78e8c4f2.txt"


def test_second_ingestion_adds_and_embeds_nothing(real_index):
    store, first = real_index
    assert len(first.added) == 5 and first.chunks_embedded == first.chunks_added > 0
    count = api._store(store, None).count()
    second = api.ingest([CORPUS], store=store)
    assert second.chunks_added == 0 and second.chunks_embedded == 0 and sorted(second.skipped) == sorted(first.added)
    assert api._store(store, None).count() == count


def test_documents_listed_with_titles(real_index):
    store, report = real_index
    docs = api.list_documents(store=store)
    assert [d.doc_id for d in docs] == sorted(report.added)
    assert any(d.title == "The deadly drug that's complicating US-China trade" for d in docs)


@pytest.mark.parametrize("bad", ["", "   \n\t", "x" * 100_000])
def test_bad_questions_get_clear_errors(real_index, bad):
    from qa.errors import InvalidQuestion

    store, _ = real_index
    with pytest.raises(InvalidQuestion, match=re.compile("empty|limit", re.I)):
        api.ask(bad, store=store)


def test_asking_before_ingesting_says_what_to_do(tmp_path):
    from qa.errors import CollectionNotFound

    with pytest.raises(CollectionNotFound, match="qa ingest"):
        api.ask("anything?", store=tmp_path / "empty")


def test_unreachable_endpoint_falls_back_to_extractive(real_index, monkeypatch):
    from qa.settings import get_settings

    monkeypatch.setenv("QA_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens on the discard port
    monkeypatch.setenv("QA_LLM_TIMEOUT", "5")
    get_settings.cache_clear()
    store, _ = real_index
    answer = api.ask("How many fentanyl-linked deaths were estimated in 2024?", generator="openai", store=store)
    assert answer.generator == "extractive" and "48,422" in answer.text
    assert "cannot reach" in answer.notice


def test_a_store_built_with_the_small_model_is_still_read_with_it(tmp_path, monkeypatch):
    """A store made before the default model changed (or with QA_EMBEDDING_MODEL=all-MiniLM-L6-v2) keeps answering
    with the model that embedded it, when no model is set."""
    from qa.settings import get_settings

    monkeypatch.setenv("QA_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
    get_settings.cache_clear()
    api.ingest([CORPUS / "000_7585ecfd78e8c4f2.txt"], store=tmp_path / "old")
    monkeypatch.delenv("QA_EMBEDDING_MODEL")
    get_settings.cache_clear()
    api._stores.clear()
    assert get_settings().embedding_model != "all-MiniLM-L6-v2"
    answer = api.ask("How many fentanyl-linked deaths were estimated in 2024?", store=tmp_path / "old")
    assert answer.grounded and "48,422" in answer.text
    assert next(iter(api._stores.values())).embedding_model == "all-MiniLM-L6-v2"
    report = api.ingest([CORPUS / "000_7585ecfd78e8c4f2.txt"], store=tmp_path / "old")
    assert report.chunks_embedded == 0  # unchanged, and not re-embedded with another model
