"""Document filters: search and answers from chosen documents only (real Chroma; the fake embedder, and once the real model)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qa import api
from qa.errors import UnknownDocument
from qa.retrieval import RetrievalConfig, Retriever
from tests.harbour_docs import DOCS, use_fake_models, write_docs

QUESTION = "How many ships did the harbour handle in 2023?"


@pytest.fixture
def harbours(tmp_path, monkeypatch):
    use_fake_models(monkeypatch)
    store = tmp_path / "store"
    report = api.ingest([write_docs(tmp_path / "docs")], store=store, collection="harbours")
    assert sorted(report.added) == sorted(DOCS)
    return {"store": store, "collection": "harbours"}


def test_unfiltered_search_reaches_every_document(harbours):
    found = {p.doc_id for p in api.search(QUESTION, 10, **harbours)}
    assert found == set(DOCS)  # so the filters below have something to exclude


@pytest.mark.parametrize("chosen", [["brenton.txt"], ["aldmere.txt", "corvale.txt"]])
def test_search_keeps_to_the_chosen_documents(harbours, chosen):
    passages = api.search(QUESTION, 10, documents=chosen, **harbours)
    assert passages and {p.doc_id for p in passages} <= set(chosen)


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid", "rerank"])
def test_every_retrieval_mode_filters(harbours, mode, fake_embedder):
    st = api._store(harbours["store"], harbours["collection"])
    passages = Retriever(st, fake_embedder, RetrievalConfig(mode=mode)).search(QUESTION, 10, ["corvale.txt"])
    assert passages and {p.doc_id for p in passages} == {"corvale.txt"}


def test_lexical_candidates_are_filtered(harbours):
    st = api._store(harbours["store"], harbours["collection"])
    hits = st.lexical().search("Brenton containers steel", 10, ["aldmere.txt"])
    assert all(chunk_id.startswith("aldmere.txt::") for chunk_id, _ in hits)
    assert any(c.startswith("brenton.txt::") for c, _ in st.lexical().search("Brenton containers steel", 10))


@pytest.mark.parametrize("chosen", [["brenton.txt"], ["corvale.txt"], ["aldmere.txt", "brenton.txt"]])
def test_every_citation_stays_inside_the_chosen_documents(harbours, chosen):
    answer = api.ask("Who is the harbour master?", documents=chosen, **harbours)
    assert {p.doc_id for p in answer.passages} <= set(chosen)
    assert answer.grounded and answer.citations
    assert {c.doc_id for c in answer.citations} <= set(chosen)


def test_streamed_answer_is_filtered_too(harbours):
    final = [x for x in api.ask_stream("Who is the harbour master?", documents=["aldmere.txt"], **harbours) if not isinstance(x, str)][-1]
    assert final.citations and {c.doc_id for c in final.citations} == {"aldmere.txt"}


def test_unknown_document_is_a_clear_error(harbours):
    with pytest.raises(UnknownDocument, match=r"'nowhere.txt'.*qa documents"):
        api.ask(QUESTION, documents=["brenton.txt", "nowhere.txt"], **harbours)


def test_empty_filter_means_every_document(harbours):
    assert {p.doc_id for p in api.search(QUESTION, 10, documents=[], **harbours)} == set(DOCS)


def test_cli_doc_option(harbours):
    from qa.cli import app

    where = ["--store", str(harbours["store"]), "-c", "harbours"]
    result = CliRunner().invoke(app, ["ask", "Who is the harbour master?", "--doc", "corvale.txt", "--json", *where])
    assert result.exit_code == 0, result.output
    import json

    answer = json.loads(result.stdout)
    assert answer["citations"] and {c["doc_id"] for c in answer["citations"]} == {"corvale.txt"}
    result = CliRunner().invoke(app, ["search", QUESTION, "--doc", "aldmere.txt", "--doc", "brenton.txt", "--json", *where])
    assert {p["doc_id"] for p in json.loads(result.stdout)} <= {"aldmere.txt", "brenton.txt"}
    result = CliRunner().invoke(app, ["ask", QUESTION, "--doc", "nowhere.txt", *where])
    assert result.exit_code == 2 and "qa documents" in result.output


def test_collections_are_listed_without_their_manifests(harbours):
    api.ingest([write_docs(harbours["store"].parent / "more")], store=harbours["store"], collection="second")
    assert api.list_collections(store=harbours["store"]) == ["default", "harbours", "second"]


@pytest.mark.integration
def test_real_model_citations_stay_in_the_chosen_document(real_index):
    store, _ = real_index
    docs = api.list_documents(store=store)
    whole = api.ask("How many fentanyl-linked deaths were estimated in 2024?", store=store)
    assert whole.grounded
    cited = {c.doc_id for c in whole.citations}
    others = [d.doc_id for d in docs if d.doc_id not in cited]
    answer = api.ask("How many fentanyl-linked deaths were estimated in 2024?", documents=others, store=store)
    assert {p.doc_id for p in answer.passages} <= set(others)
    assert {c.doc_id for c in answer.citations} <= set(others)


def test_chat_answers_from_the_chosen_collection_and_documents(harbours, tmp_path):
    pytest.importorskip("gradio")
    from ui.app import create_app

    (tmp_path / "delta").mkdir()
    (tmp_path / "delta" / "delta.txt").write_text("Harbour of Delta\n\nThe harbour master of Delta is Ana Wu.", encoding="utf-8")
    api.ingest([tmp_path / "delta"], store=harbours["store"], collection="second")
    app = create_app(store=harbours["store"], collection="harbours", feedback_path=tmp_path / "fb.jsonl")
    fns = {f.fn.__name__: f.fn for f in app.fns.values() if f.fn is not None}
    picker = next(b for b in app.blocks.values() if getattr(b, "elem_id", None) == "qa-collection")
    load = next(f.fn for f in app.fns.values() if f.fn is not None and [o._id for o in f.outputs][:1] == [picker._id])
    collections, documents = load()
    assert {"harbours", "second"} <= {c[0] if isinstance(c, tuple) else c for c in collections.constructor_args["choices"]}
    assert {v for _, v in documents.constructor_args["choices"]} == set(DOCS)  # the page's collection, every document offered

    def cited(*choice):
        *_, (messages, conversation, _) = list(fns["respond"]("Who is the harbour master?", [], "extractive", 5, *choice))
        return {c["doc_id"] for c in conversation[-1]["answer"]["citations"]}

    assert cited("harbours", ["brenton.txt"]) == {"brenton.txt"}
    assert cited("second", []) == {"delta.txt"}
    assert {v for _, v in fns["document_choice"]("second").constructor_args["choices"]} == {"delta.txt"}


def test_chat_ask_endpoint_takes_documents(harbours, tmp_path):
    pytest.importorskip("gradio")
    from ui.app import create_app

    app = create_app(store=harbours["store"], collection="harbours", feedback_path=tmp_path / "fb.jsonl")
    ask_json = next(f.fn for f in app.fns.values() if f.api_name == "ask")
    answer = ask_json("Who is the harbour master?", documents=["aldmere.txt"])
    assert answer["citations"] and {c["doc_id"] for c in answer["citations"]} == {"aldmere.txt"}
