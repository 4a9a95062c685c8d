"""Which development-set questions score ranking (qa.evaluation.run_dev_retrieval), and how a run is scored."""

import pytest

from qa.evaluation.dev_set import DevQuestion
from qa.evaluation.run_dev_retrieval import ranking_questions, score_corpus
from qa.evaluation.metrics import retrieval_scores
from qa.types import Passage

DOCS = {"demo": {"a.txt", "b.txt", "c.txt"}}


def question(qid="q", kind="lookup", answerable=True, allowed=("a.txt",), corpus="demo"):
    return DevQuestion(qid=qid, corpus=corpus, question="What?", kind=kind, answerable=answerable, key_points=(("x",),),
                       min_points=1, allowed_docs=tuple(allowed))


@pytest.mark.parametrize("q, kept", [
    (question(), True),
    (question(allowed=("a.txt", "b.txt")), True),
    (question(allowed=("a.txt", "b.txt", "c.txt")), False),  # every document allowed: says nothing about ranking
    (question(answerable=False), False),
    (question(kind="followup"), False),  # its meaning needs the conversation before it
    (question(allowed=("a.txt",), corpus="other"), False),  # a corpus with no documents listed
])
def test_ranking_questions(q, kept):
    assert (ranking_questions([q], DOCS) == [q]) is kept


def passage(doc_id):
    return Passage(chunk_id=f"{doc_id}:0", doc_id=doc_id, title=doc_id, source=doc_id, text="t", score=1.0, start=0, end=1)


def test_a_gold_document_at_rank_two_counts_for_recall_at_5_not_at_1():
    ranked = {"What?": [passage("b.txt"), passage("a.txt")]}
    runs, latencies = score_corpus(lambda text, k: ranked[text][:k], [question()])
    scores = retrieval_scores(runs, ks=(1, 5), mrr_k=10)
    assert (scores["recall@1"], scores["recall@5"], scores["mrr@10"], scores["n"]) == (0.0, 1.0, 0.5, 1)
    assert len(latencies) == 1
