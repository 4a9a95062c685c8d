"""qa eval answers: the figures of a run, from fabricated answers; and the RGB label check it relies on."""

from __future__ import annotations

import math

import pytest

from qa.evaluation import datasets as ds
from qa.evaluation.run_answers import score_answers
from qa.types import NOT_FOUND, Answer, Citation


def question(qid, answerable, answers=(), stated_in=()):
    return ds.EvalQuestion(qid, f"question {qid}?", tuple(answers), answerable, ("d1",) if answerable else (), stated_in=tuple(stated_in))


def answered(text, doc_id, passage):
    cite = Citation(n=1, doc_id=doc_id, title=doc_id, chunk_id=f"{doc_id}::0", text=passage, quote=passage, quote_start=0, quote_end=len(passage))
    return Answer(question="q", text=text, citations=[cite], grounded=True)


def declined():
    return Answer(question="q", text=NOT_FOUND, grounded=False)


def test_scores_answerable_and_unanswerable():
    results = [
        (question("a1", True, ["Tampa"]), answered("It was held in Tampa [1].", "d1", "The game was held in Tampa.")),
        (question("a2", True, ["Norway"]), declined()),
        (question("u1", False), declined()),
        (question("u2", False), answered("Oslo hosted it [1].", "d9", "Nothing about that here.")),
    ]
    s = score_answers(results, [0.1, 0.2, 0.3, 0.4])
    assert s["contains_gold"] == 0.5 and s["wrongly_declined"] == 0.5 and s["declined_unanswerable"] == 0.5
    assert s["citation_precision"] == 0.5  # the second citation's passage does not hold its sentence
    assert s["n"] == 4 and s["p50_ms"] == pytest.approx(250.0)
    assert math.isnan(s["declined_absent"]) and math.isnan(s["cited_stated"])  # no question carries stated_in


def test_unanswerable_split_by_whether_a_snippet_states_the_answer():
    results = [
        (question("u1", False), declined()),
        (question("u2", False), answered("Oslo [1].", "x", "Oslo.")),
        (question("u3", False, stated_in=["s3"]), answered("Kerber won [1].", "s3", "Kerber won.")),
        (question("u4", False, stated_in=["s4"]), answered("Someone else [1].", "other", "Someone else.")),
        (question("u5", False, stated_in=["s5"]), declined()),
    ]
    s = score_answers(results)
    assert s["declined_unanswerable"] == pytest.approx(2 / 5)
    assert s["declined_absent"] == 0.5 and s["n_absent"] == 2
    assert s["cited_stated"] == pytest.approx(1 / 3) and s["n_stated"] == 3


ROWS = ds._read_jsonl(ds.RGB_ANSWER_LEFT)
SHARED = ds.resolve_eval_dir()


@pytest.mark.skipif(not (SHARED / "rgb-news").is_dir(), reason="shared eval sets not present")
def test_rgb_answers_left_in_corpus_are_real():
    """Each row: a question the set labels unanswerable, and a snippet of its corpus whose text holds the quote."""
    corpus, questions = ds.load_dataset("rgb")
    texts = {r.doc_id: r.text for r in corpus.records}
    labels = {q["qid"]: q for q in ds._read_jsonl(SHARED / "rgb-news" / "questions.jsonl")}
    assert len(ROWS) == len({r["qid"] for r in ROWS}) >= 10
    for row in ROWS:
        assert not labels[row["qid"]]["answerable"] and row["answer"] in labels[row["qid"]]["answers"]
        assert row["quote"] in texts[row["pid"]], row["qid"]
    stated = {q.qid: q.stated_in for q in questions if q.stated_in}
    assert stated == {r["qid"]: (r["pid"],) for r in ROWS}
    assert all(not q.answerable for q in questions if q.stated_in)
