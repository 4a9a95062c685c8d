"""How the cross-encoder's logits join the feature score (qa.retrieval.cross_relevance), and the tuning tool that
compares the ways of joining them on saved pools (qa.benchmarks.cross_tuning)."""

from __future__ import annotations

import json

import pytest

from qa.benchmarks import cross_tuning
from qa.benchmarks.cross_tuning import capture, cross_validate, metrics, settings
from qa.retrieval import RetrievalConfig, Retriever, cross_relevance
from qa.types import Passage


def test_logistic_is_each_logit_on_its_own_and_softmax_is_a_share_of_the_ones_read():
    logits = [9.0, 8.0, 2.0]
    logistic, softmax = cross_relevance(logits, 4.0), cross_relevance(logits, 4.0, "softmax")
    assert logistic == pytest.approx([1 / (1 + 2.718281828 ** (-x / 4)) for x in logits], rel=1e-6)
    assert sum(softmax) == pytest.approx(1.0) and softmax[0] > softmax[1] > softmax[2]
    # the same logits, all 5 higher: the logistic saturates, the softmax keeps the same shares
    assert cross_relevance([x + 5 for x in logits], 4.0, "softmax") == pytest.approx(softmax)
    assert cross_relevance([x + 5 for x in logits], 4.0)[0] - cross_relevance([x + 5 for x in logits], 4.0)[1] < logistic[0] - logistic[1]
    assert cross_relevance([], 4.0, "softmax") == []


def test_an_unknown_way_to_combine_names_the_setting():
    with pytest.raises(ValueError, match="QA_RERANK_COMBINE"):
        cross_relevance([1.0], 4.0, "average")


class Rarity:
    def idf(self, token: str) -> float:
        return 1.0


def test_the_stage_combines_as_configured(fake_embedder, store):
    question = "When did the Normans first gain their separate identity?"
    answer = "The Normans gained their separate identity in the first half of the 10th century, after the treaty with King Charles."
    other = "Normandy is a region in the north of France, known for its apples and its cheese."

    def pool():
        return [Passage(doc_id=d, title="", chunk_id=f"{d}::0", text=t, score=s, start=0, end=len(t))
                for d, t, s in (("other", other, 1.2), ("answer", answer, 1.0))]

    for combine in ("logistic", "softmax"):
        ranked = pool()
        Retriever(store, fake_embedder, RetrievalConfig(cross_top=2, w_cross=3.0, t_cross=4.0, cross_combine=combine)).cross_rerank(question, ranked, Rarity())
        assert [p.doc_id for p in ranked] == ["answer", "other"], combine


RUNS = [  # (ranked doc ids, feature scores, logits of the best): the gold one second by features, first by logit
    (["a", "gold", "c"], [1.5, 1.4, 1.0], [6.0, 9.0, 1.0]),
    (["gold", "b", "c"], [1.5, 1.45, 1.0], [8.0, 8.5, 1.0]),
]


def test_the_tool_scores_each_way_of_combining():
    golds = [{"gold"}, {"gold"}]
    assert metrics(RUNS, golds, 0, 0.0, 1.0)[0] == 0.5  # stage off: the features' order
    assert metrics(RUNS, golds, 3, 1.0, 1.0, 0.0, "cross")[0] == 0.5  # the cross-encoder alone: wins one, loses one
    assert metrics(RUNS, golds, 3, 3.0, 4.0, 0.0, "logistic")[0] == 1.0  # added to the features: keeps both
    assert {s[4] for s in settings("softmax", (0.0, 0.35))} == {"softmax"} and settings("cross")[0][0] == 0


def test_captured_pools_are_kept_and_read_back(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_capture(dataset, n):
        calls.append(dataset)
        return [list(r) for r in RUNS], [{"gold"}, {"gold"}], ["q1", "q2"], f"{dataset}: 2 questions"

    monkeypatch.setattr(cross_tuning, "_capture", fake_capture)
    first = capture("rgb", 0, str(tmp_path))
    again = capture("rgb", 0, str(tmp_path))
    assert calls == ["rgb"] and again[0] == [tuple(r) for r in first[0]] and again[1] == first[1] and again[2] == first[2]
    assert json.loads(next(tmp_path.iterdir()).read_text())["qids"] == ["q1", "q2"]
    together = cross_validate(*again[:3], [], [], settings("logistic"))
    assert len(together) == 3 and "unseen halves together" in capsys.readouterr().out
