"""Language-model answers end to end: the packaged model served by llama.cpp on loopback, reached both as the
`local` generator and as the `openai` generator (any OpenAI-compatible endpoint), on the real index."""

import pytest

from qa import api
from qa.citations import check_citations

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module")
def llm_server():
    from qa import local_llm

    try:
        local_llm.part_files()
    except local_llm.LocalModelError as exc:
        pytest.skip(f"the packaged model is not installed: {exc}")
    yield local_llm.get_server()


@pytest.fixture
def openai_endpoint(llm_server, monkeypatch):
    from qa.settings import get_settings

    monkeypatch.setenv("QA_LLM_BASE_URL", llm_server.base_url)
    monkeypatch.setenv("QA_LLM_MODEL", llm_server.model)
    monkeypatch.setenv("QA_LLM_API_KEY", "sk-local-test-key")
    monkeypatch.setenv("QA_LOCAL_LLM_KINDS", "all")  # by default the local model writes no kind (qa.llm_kinds): here it writes every one
    get_settings.cache_clear()
    return llm_server


def assert_every_citation_supports_its_sentence(answer):
    assert check_citations(answer.text, answer.citations) == []
    retrieved = {p.chunk_id for p in answer.passages}
    for c in answer.citations:
        assert c.chunk_id in retrieved and c.quote in c.text


@pytest.mark.parametrize("generator", ["local", "openai"])
def test_answer_with_verified_citations(real_index, openai_endpoint, generator):
    store, _ = real_index
    pieces = list(api.ask_stream("Why did Beijing break off cooperation with the US on fentanyl in 2022?", generator=generator, store=store))
    answer = pieces[-1]
    assert len(pieces) > 2  # streamed before the final answer
    assert answer.generator == generator and answer.grounded, answer
    assert "Taiwan" in answer.text or "Pelosi" in answer.text
    assert_every_citation_supports_its_sentence(answer)
    assert answer.verified_sentences >= 1


@pytest.mark.parametrize("generator", ["local", "openai"])
def test_out_of_corpus_question_is_declined(real_index, openai_endpoint, generator):
    store, _ = real_index
    answer = api.ask("What is the capital of Australia?", generator=generator, store=store)
    assert not answer.grounded and answer.citations == []


def test_follow_up_is_rewritten_with_the_model_and_checked(real_index, openai_endpoint):
    store, _ = real_index
    history = [("How many fentanyl-linked deaths were estimated in 2022?", "At its peak the crisis was linked to 76,226 deaths in 2022 [1].")]
    answer = api.ask("and in 2024?", history=history, generator="local", store=store)
    assert answer.standalone_question and "2024" in answer.standalone_question
    assert "2022" not in answer.standalone_question
    assert any("2024" in p.text for p in answer.passages[:3])
