"""The evidence plan per kind (qa.evidence): what to read, from which documents."""

import pytest

from qa.evidence import READ_K, TOPIC_SUMMARY_K, best_per_source, gather, match_document, plan_evidence
from qa.question_kinds import classify
from qa.types import DocumentInfo, Passage

DOCS = [
    DocumentInfo(doc_id="000.txt", title="The Chinese regime is the primary source of illicit fentanyl entering the United States", source="/c/000.txt", chunks=9),
    DocumentInfo(doc_id="003.txt", title="China Must Take Solid Steps to Curb the Fentanyl Crisis: A U.S. Perspective", source="/c/003.txt", chunks=8),
    DocumentInfo(doc_id="004.txt", title="President Joe Biden Says U.S. Will Resume Counternarcotics Efforts with China to Reduce Fentanyl", source="/c/004.txt", chunks=6),
    DocumentInfo(doc_id="faq.html", title="Git FAQ", source="/d/gitfaq.html", chunks=20),
]


def passage(doc, i, score=1.0, text="x"):
    return Passage(doc_id=doc, title=doc, chunk_id=f"{doc}::{i}", text=text, score=score, start=i * 10, end=i * 10 + 10)


@pytest.mark.parametrize("hint, doc", [
    ("the opinion piece", "003.txt"),
    ("the FAQ", "faq.html"),
    ("the article about President Biden resuming counternarcotics efforts", "004.txt"),
    ("the article", None),
    ("the article about bananas", None),
])
def test_named_document_is_matched_on_titles(hint, doc):
    assert match_document(hint, DOCS) == doc


def test_named_document_found_by_its_text_when_the_title_does_not_say():
    def search(query, k, documents=None):
        return [passage("004.txt", 1), passage("004.txt", 2), passage("000.txt", 1)][:k]

    assert match_document("the article about Biden's meeting with Xi", DOCS, search) == "004.txt"


@pytest.mark.parametrize("question, k, whole, documents", [
    ("Summarize the opinion piece.", READ_K["summary"], "003.txt", ["003.txt"]),
    ("Summarize what the documents say about China's role in the fentanyl crisis.", TOPIC_SUMMARY_K, None, None),
    ("List the actions China has taken to curb fentanyl precursor exports.", READ_K["list"], None, None),
    ("How many deaths were estimated in 2024?", 5, None, None),
    ("How do I undo a commit, according to the FAQ?", READ_K["howto"], None, ["faq.html"]),
])
def test_plan_per_kind(question, k, whole, documents):
    plan = plan_evidence(question, classify(question), DOCS, 5)
    assert (plan.k, plan.whole_document, plan.documents) == (k, whole, documents)


def test_a_topic_summary_across_documents_keeps_a_few_passages_of_each():
    def search(query, k, documents=None):
        return [passage("000.txt", i, 1.0 - i / 100) for i in range(10)] + [passage("003.txt", i, 0.5) for i in range(3)]

    plan = plan_evidence("Summarize what the documents say about China's role in the fentanyl crisis.",
                         classify("Summarize what the documents say about China's role in the fentanyl crisis."), DOCS, 5)
    read = gather(plan, search)
    assert [p.doc_id for p in read].count("000.txt") == plan.per_source and [p.doc_id for p in read].count("003.txt") == 3


def test_a_summary_of_one_document_reads_all_of_it_in_order():
    chunks = [Passage(doc_id="d", title="d", chunk_id=f"d::{i}", text=t, score=0, start=s, end=s + len(t))
              for i, (t, s) in enumerate([("One. Two.", 0), ("Two. Three.", 5), ("Three. Four.", 10)])]
    plan = plan_evidence("Summarize the FAQ.", classify("Summarize the FAQ."), DOCS, 5)
    got = gather(plan, lambda *a, **kw: [], lambda doc: chunks)
    assert [p.text for p in got] == ["One. Two.", "Three.", "Four."]


def test_comparison_hears_every_source():
    ranked = [passage("a", 1, 0.9), passage("a", 2, 0.8), passage("a", 3, 0.7), passage("b", 1, 0.5), passage("c", 1, 0.4)]
    assert [p.chunk_id for p in best_per_source(ranked, 2)] == ["a::1", "a::2", "b::1", "c::1"]


def test_restriction_falls_back_when_the_document_holds_nothing():
    calls = []

    def search(query, k, documents=None):
        calls.append(documents)
        return [] if documents else [passage("000.txt", 1)]

    plan = plan_evidence("What does the FAQ say about rebasing?", classify("What does the FAQ say about rebasing?"), DOCS, 5)
    assert [p.doc_id for p in gather(plan, search)] == ["000.txt"] and calls == [["faq.html"], None]


def test_search_and_document_passages_on_a_real_store(store, fake_embedder, tmp_path):
    """Retriever.search(documents=...) keeps to those documents; store.document_passages reads one whole, in order."""
    import shutil

    from qa.ingestion import Ingestion
    from qa.retrieval import Retriever
    from tests.conftest import CORPUS

    folder = tmp_path / "docs"
    shutil.copytree(CORPUS, folder)
    Ingestion(store, fake_embedder).run([folder])
    only = "004_5da86a3ca6c791c0.txt"
    found = Retriever(store, fake_embedder).search("fentanyl deaths in 2022", 5, documents=[only])
    assert found and {p.doc_id for p in found} == {only}
    whole = store.document_passages(only)
    assert [p.start for p in whole] == sorted(p.start for p in whole) and len(whole) == next(d.chunks for d in store.list_documents() if d.doc_id == only)


def test_a_report_mentioned_in_a_text_is_not_a_title_match():
    """'the State Department report' shares only 'state' with 'The Chinese regime ... the United States'."""
    assert match_document("the State Department report", DOCS) is None
