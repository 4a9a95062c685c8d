"""Tests for qa.evaluation: metrics, loaders and the demo question set."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from qa.evaluation import datasets as ds
from qa.evaluation import metrics as m

# --- answer normalisation and scores ---------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("The Eiffel Tower!", "eiffel tower"),
        ("  a  cat,  an apple and THE dog ", "cat apple and dog"),
        ("76,226", "76226"),
        ("$1.02 trillion", "102 trillion"),
        ("theory", "theory"),  # 'the' only removed as a whole word
        ("", ""),
        ("...", ""),
    ],
)
def test_normalize_answer(raw, expected):
    assert m.normalize_answer(raw) == expected


@pytest.mark.parametrize(
    "prediction, answers, expected",
    [
        ("Norway", ["Norway"], 1.0),
        ("the Norway.", ["norway"], 1.0),
        ("Sweden", ["Norway", "Sweden"], 1.0),
        ("Norway and Sweden", ["Norway"], 0.0),
        ("", [], 1.0),  # unanswerable, declined: right
        ("Norway", [], 0.0),  # unanswerable, answered: wrong
        ("", ["Norway"], 0.0),  # answerable, declined: wrong
        ("", ["", "  "], 1.0),  # golds that normalise to nothing count as none
    ],
)
def test_exact_match(prediction, answers, expected):
    assert m.exact_match(prediction, answers) == expected


@pytest.mark.parametrize(
    "prediction, answers, expected",
    [
        ("October 1973", ["October 1973"], 1.0),
        ("in October 1973", ["October 1973"], 0.8),  # p=2/3, r=1
        ("October", ["October 1973", "1973"], 2 / 3),  # max over golds: vs 'october 1973'
        ("1973", ["October 1973", "1973"], 1.0),
        ("nothing shared", ["October 1973"], 0.0),
        ("", [], 1.0),
        ("anything", [], 0.0),
        ("", ["October 1973"], 0.0),
        ("the the", ["a"], 1.0),  # both normalise to empty
        ("cat cat", ["cat"], 2 / 3),  # repeated tokens count once against one gold token
    ],
)
def test_token_f1(prediction, answers, expected):
    assert m.token_f1(prediction, answers) == pytest.approx(expected)


@pytest.mark.parametrize(
    "answer_text, answers, expected",
    [
        ("In 2024 about 48,422 deaths were linked to fentanyl [1].", ["48,422"], True),
        ("Deaths fell by 27 percent.", ["27%", "27 percent"], True),
        ("It was 2019.", ["2019"], True),
        ("It was 20190.", ["2019"], False),  # whole tokens only
        ("The documents do not contain an answer.", ["Mexico"], False),
        ("Anything at all", [], False),  # no gold answers
        ("Anything at all", ["", "the"], False),  # golds empty after normalisation
        ("", ["Mexico"], False),
    ],
)
def test_contains_gold(answer_text, answers, expected):
    assert m.contains_gold(answer_text, answers) is expected


@pytest.mark.parametrize(
    "ranked, answers, k, expected",
    [
        ([("a", "Nothing here."), ("b", "Rafael Nadal finished No. 1.")], ["Rafael Nadal"], 2, True),
        ([("a", "Nothing here."), ("b", "Rafael Nadal finished No. 1.")], ["Rafael Nadal"], 1, False),  # beyond k
        (["a", "b"], ["Nadal"], 2, False),  # bare ids carry no text
        ([{"doc_id": "a", "text": "Toy Story 4 won."}], ["Toy Story 4"], 5, True),
        ([("a", "Toy Story 4 won.")], [], 5, False),  # no gold answers
    ],
)
def test_answer_in_top_k(ranked, answers, k, expected):
    assert m.answer_in_top_k(ranked, answers, k) is expected


# --- retrieval ----------------------------------------------------------------


RANKED_IDS = ["d3", "d1", "d2", "d1"]


@pytest.mark.parametrize(
    "ranked, gold, k, expected",
    [
        (RANKED_IDS, ["d1"], 1, 0.0),
        (RANKED_IDS, ["d1"], 2, 1.0),
        (RANKED_IDS, ["d9"], 10, 0.0),
        (RANKED_IDS, ["d2", "d3"], 1, 1.0),  # any gold counts
        ([], ["d1"], 5, 0.0),  # empty ranking
        (RANKED_IDS, ["d1"], 100, 1.0),  # k beyond the ranking
    ],
)
def test_recall_at_k(ranked, gold, k, expected):
    assert m.recall_at_k(ranked, gold, k) == expected


@pytest.mark.parametrize(
    "ranked, gold, k, expected",
    [
        (RANKED_IDS, ["d3"], 10, 1.0),
        (RANKED_IDS, ["d1"], 10, 0.5),  # first occurrence counts, duplicates ignored
        (RANKED_IDS, ["d2"], 10, 1 / 3),
        (RANKED_IDS, ["d2"], 2, 0.0),  # outside the cut-off
        (RANKED_IDS, ["d1", "d2"], 10, 0.5),  # best gold
        ([], ["d1"], 10, 0.0),
    ],
)
def test_mrr_at_k(ranked, gold, k, expected):
    assert m.mrr_at_k(ranked, gold, k) == pytest.approx(expected)


def test_ties_in_score_are_broken_by_given_order():
    ranked = [("a", "x", 0.9), ("gold", "x", 0.9), ("b", "x", 0.9)]
    assert m.mrr_at_k(ranked, ["gold"], 10) == 0.5
    assert m.recall_at_k(ranked, ["gold"], 1) == 0.0


@pytest.mark.parametrize("fn", [m.recall_at_k, m.mrr_at_k, m.gold_coverage_at_k])
def test_retrieval_needs_gold_ids_and_positive_k(fn):
    with pytest.raises(ValueError):
        fn(["d1"], [], 5)
    with pytest.raises(ValueError):
        fn(["d1"], ["d1"], 0)


class _PassageLike:
    def __init__(self, doc_id, text):
        self.doc_id, self.text = doc_id, text


@pytest.mark.parametrize(
    "item, evidence, expected",
    [
        ("doc.txt", None, True),
        ("doc.txt", "deaths", False),  # a bare id has no text to check
        (("doc.txt", "Deaths fell to 48,422 in 2024."), "fell to 48,422", True),
        (("doc.txt", "Deaths fell to\n48,422   in 2024."), "FELL TO 48,422 in", True),  # case, whitespace
        (("doc.txt", "Xi\u2019s meeting"), "Xi's meeting", True),  # curly vs straight quote
        (("doc.txt", "Other sentence."), "fell to 48,422", False),
        (("other.txt", "Deaths fell to 48,422."), "fell to 48,422", False),  # wrong doc
        (("doc.txt", "only the second"), ["first", "second"], True),  # alternatives
        (("doc.txt", "anything"), [], True),  # empty evidence = id only
        ({"doc_id": "doc.txt", "text": "fell to 48,422"}, "fell to 48,422", True),
        (_PassageLike("doc.txt", "fell to 48,422"), "fell to 48,422", True),
    ],
)
def test_is_hit(item, evidence, expected):
    assert m.is_hit(item, ["doc.txt"], evidence) is expected


def test_evidence_moves_the_first_hit():
    ranked = [("a.txt", "furniture"), ("a.txt", "the 76,226 deaths in 2022"), ("b.txt", "x")]
    assert m.mrr_at_k(ranked, ["a.txt"], 10) == 1.0
    assert m.mrr_at_k(ranked, ["a.txt"], 10, evidence="76,226 deaths") == 0.5
    assert m.recall_at_k(ranked, ["a.txt"], 1, evidence="76,226 deaths") == 0.0


def test_gold_coverage_at_k():
    assert m.gold_coverage_at_k(["a", "b", "a", "c"], ["a", "c", "z", "y"], 3) == 0.25
    assert m.gold_coverage_at_k([], ["a"], 3) == 0.0


def test_retrieval_scores_skips_questions_without_gold():
    runs = [(["g", "x"], ["g"], None), (["x", "g"], ["g"], None), (["x"], [], None), ([], ["g"], None)]
    scores = m.retrieval_scores(runs, ks=(1, 2), mrr_k=10)
    assert scores["n"] == 3
    assert scores["recall@1"] == pytest.approx(1 / 3)
    assert scores["recall@2"] == pytest.approx(2 / 3)
    assert scores["mrr@10"] == pytest.approx((1 + 0.5 + 0) / 3)


def test_retrieval_scores_empty_is_nan():
    scores = m.retrieval_scores([], ks=(5,))
    assert scores["n"] == 0 and math.isnan(scores["recall@5"])


# --- latency ------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, q, expected",
    [
        ([1, 2, 3, 4, 5], 50, 3.0),
        ([4, 1, 3, 2], 50, 2.5),  # unsorted input, interpolated
        ([1, 2, 3, 4, 5], 95, 4.8),
        ([1, 2, 3, 4, 5], 0, 1.0),
        ([1, 2, 3, 4, 5], 100, 5.0),
        ([7], 95, 7.0),
        ([2, 2, 2, 2], 95, 2.0),  # ties
    ],
)
def test_percentile(values, q, expected):
    assert m.percentile(values, q) == pytest.approx(expected)


def test_percentile_edge_cases():
    assert math.isnan(m.percentile([], 50))
    with pytest.raises(ValueError):
        m.percentile([1], 101)


def test_latency_summary_in_milliseconds():
    summary = m.latency_summary([0.1, 0.2, 0.3])
    assert summary["p50_ms"] == pytest.approx(200)
    assert summary["p95_ms"] == pytest.approx(290)
    assert summary["mean_ms"] == pytest.approx(200)
    assert summary["n"] == 3
    assert math.isnan(m.latency_summary([])["p50_ms"])


# --- table --------------------------------------------------------------------


def test_format_table_rows_are_systems_columns_are_metrics():
    table = m.format_table(
        {"tutorial": {"recall@5": 0.5, "n": 10}, "ours": {"recall@5": 0.75, "p95_ms": math.nan}},
        metrics=["recall@5", "p95_ms", "n"],
    )
    lines = table.splitlines()
    assert lines[0].split() == ["system", "recall@5", "p95_ms", "n"]
    assert lines[2].split() == ["tutorial", "0.500", "-", "10"]
    assert lines[3].split() == ["ours", "0.750", "-", "-"]


def test_tutorial_baseline_ranks_by_cosine(fake_embedder):
    from qa.evaluation.baseline import TutorialBaseline

    records = [
        ds.CorpusRecord("fent.txt", "f", "Fentanyl deaths fell in 2024. " * 60),  # > 1000 chars: several chunks
        ds.CorpusRecord("oil.txt", "o", "The oil crisis began in October 1973."),
    ]
    base = TutorialBaseline(records, fake_embedder.embed_batch)
    try:
        assert base.n_chunks >= 3
        hits = base.search("When did the oil crisis begin?", k=2)
        assert hits[0][0] == "oil.txt" and hits[0][2] >= hits[1][2]
        assert len(base.search("fentanyl", k=50)) == base.n_chunks
    finally:
        base.close()


def test_format_table_default_columns_and_empty():
    assert m.format_table({"a": {"x": 1.0}, "b": {"y": 2}}).splitlines()[0].split() == ["system", "x", "y"]
    assert m.format_table({}).splitlines()[0] == "system"


# --- loaders ------------------------------------------------------------------


def _q(qid, answerable):
    return ds.EvalQuestion(qid, "?", ("a",) if answerable else (), answerable, ("d",) if answerable else ())


def test_sample_questions_is_deterministic_and_balanced():
    questions = [_q(f"q{i}", i % 3 == 0) for i in range(60)]
    first = ds.sample_questions(questions, n_answerable=5, n_unanswerable=7)
    again = ds.sample_questions(list(reversed(questions)), n_answerable=5, n_unanswerable=7)
    assert [q.qid for q in first] == [q.qid for q in again]
    assert sum(q.answerable for q in first) == 5 and sum(not q.answerable for q in first) == 7
    assert len(ds.sample_questions(questions, limit=4)) == 4
    assert ds.sample_questions(questions) == questions


def test_squad_dev_split_rule():
    assert ds.is_squad_dev("x") == (ds.sha1_hex("x")[0] in "01234567")


def test_load_dataset_rejects_bad_arguments():
    with pytest.raises(ValueError):
        ds.load_dataset("nope")
    with pytest.raises(ValueError):
        ds.load_dataset("rgb", split="heldout")
    with pytest.raises(ValueError):
        ds.load_dataset("squad2", split="heldout")  # needs allow_heldout=True
    with pytest.raises(ValueError):
        ds.load_dataset("squad2", split="train")


SHARED = ds.resolve_eval_dir()


@pytest.mark.skipif(not (SHARED / "squad2-dev").is_dir(), reason="shared eval sets not present")
def test_load_squad2_dev_only():
    corpus, questions = ds.load_dataset("squad2")
    assert len(corpus) == 1204
    assert questions and all(ds.is_squad_dev(q.qid) for q in questions)
    ids = corpus.by_id()
    for q in questions:
        assert q.answerable == bool(q.gold_doc_ids) == bool(q.answers)
        assert all(d in ids for d in (*q.gold_doc_ids, *q.near_doc_ids))


@pytest.mark.skipif(not (SHARED / "rgb-news").is_dir(), reason="shared eval sets not present")
def test_load_rgb():
    corpus, questions = ds.load_dataset("rgb", n_answerable=10, n_unanswerable=10)
    assert len(questions) == 20
    ids = corpus.by_id()
    assert all(d in ids for q in questions for d in q.gold_doc_ids)


# --- the demo question set -----------------------------------------------------


DEMO_ROWS = [json.loads(line) for line in ds.DEMO_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
CORPUS_DIRS = [d for d in (ds.DEMO_CORPUS_DIR, ds.PROJECT_ROOT.parent / "shared" / "corpus") if d.is_dir()]


def test_demo_set_shape():
    qids = [r["qid"] for r in DEMO_ROWS]
    assert len(qids) == len(set(qids)) >= 35
    unanswerable = [r for r in DEMO_ROWS if not r["answerable"]]
    assert len(unanswerable) >= 8
    for r in DEMO_ROWS:
        assert r["question"].strip()
        if r["answerable"]:
            assert r["answers"] and r["gold_doc_ids"] and r.get("evidence")
            evidence = r["evidence"]
            assert isinstance(evidence, str) or len(evidence) == len(r["gold_doc_ids"])
        else:
            assert r["answers"] == [] and r["gold_doc_ids"] == [] and not r.get("evidence")


@pytest.mark.skipif(not CORPUS_DIRS, reason="no demo corpus folder")
@pytest.mark.parametrize("corpus_dir", CORPUS_DIRS, ids=lambda p: p.name)
@pytest.mark.parametrize("row", [r for r in DEMO_ROWS if r["answerable"]], ids=lambda r: r["qid"])
def test_demo_evidence_is_in_gold_document(corpus_dir: Path, row):
    """Exact substring of the raw file: one evidence for the first gold doc, or one per gold doc."""
    evidence = row["evidence"]
    pairs = [(row["gold_doc_ids"][0], evidence)] if isinstance(evidence, str) else zip(row["gold_doc_ids"], evidence)
    for doc_id, text in pairs:
        raw = (corpus_dir / doc_id).read_text(encoding="utf-8")
        assert text in raw, f"{row['qid']}: evidence not found in {doc_id}"


@pytest.mark.skipif(not ds.DEMO_CORPUS_DIR.is_dir(), reason="project corpus/ not present yet")
def test_load_demo():
    corpus, questions = ds.load_dataset("demo")
    assert len(corpus) == 5
    ids = corpus.by_id()
    assert all(d in ids for q in questions for d in q.gold_doc_ids)
    assert all(isinstance(q.evidence, tuple) for q in questions)
