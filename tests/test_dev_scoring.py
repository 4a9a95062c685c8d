"""Scoring of the development set (qa.evaluation.dev_scoring): pure functions over plain values."""

from __future__ import annotations

import math
import re

import pytest

from qa.evaluation.dev_scoring import (
    citation_support, claims, groups_present, holds, judge, normalise, sum_line_support, summarise, summarise_by, verdict_respected,
)
from qa.evaluation.dev_set import parse_question
from qa.evaluation.datasets import is_dev_set
from qa.evaluation.run_dev_answers import as_json, report, sample_per_kind


def question(**overrides):
    row = {"qid": "q1", "corpus": "demo", "question": "?", "kind": "list", "answerable": True,
           "key_points": [["Manchin"], ["Tester"], ["Rounds", "Mike Rounds"]], "min_points": 2, "allowed_docs": ["a.txt", "b.txt"]}
    row.update(overrides)
    return parse_question(row)


@pytest.mark.parametrize("text, alternative, expected", [
    ("The ort strategy [1].", "ort", True),
    ("It does not support that.", "ort", False),  # no match inside a word
    ("13 precursor chemicals", "13", True),
    ("in 2013 and 130 more", "13", False),  # a figure ends at a word boundary
    ("1,400 tons", "1,400", True),
    ("14,000 tons", "1,400", False),
    ("13.5 percent", "13", False),
    ("it was 13.", "13", True),
    ("more precursors", "precursor", True),  # a word may take a suffix (plurals)
    ("Plummeted by 27 percent [2]", "27 PERCENT", True),  # case-insensitive, markers dropped
    ("the US\u2019s problem", "US's problem", True),  # curly apostrophe
    ("US\u2013China trade", "US-China", True),
    ("use  stash@{0}\nnow", "stash@{0}", True),
    ("if [ -f ~/.bashrc ];  then . ~/.bashrc; fi", "if [ -f ~/.bashrc ]; then . ~/.bashrc; fi", True),
])
def test_holds(text, alternative, expected):
    assert holds(text, alternative) is expected


def test_normalise_drops_markers_and_spacing():
    assert normalise("A  [1] b\u2019s [12]\n c") == "a b's c"


def test_groups_present_counts_each_group_once():
    assert groups_present("Mike Rounds and Manchin", [["Manchin"], ["Tester"], ["Rounds", "Mike Rounds"]]) == [True, False, True]


@pytest.mark.parametrize("text, verdict, expected", [
    ("Yes, they agreed [1].", "yes", True),
    ("No. The passage says ... [1]", "yes", False),
    ("No, it is comparatively limited [1].", "no", True),
    ("Yes: a large problem [1].", "no", False),
    ("The documents say opioid abuse is comparatively limited [1].", "no", True),  # quoting the evidence is fine
    ("**No** - limited", "yes", False),
    ("Nothing here", "yes", True),  # "Nothing" is not "No"
    ("anything", None, True),
])
def test_verdict_respected(text, verdict, expected):
    assert verdict_respected(text, verdict) is expected


@pytest.mark.parametrize("text, declined, cited, acceptable, some_allowed", [
    ("Manchin and Tester [1].", False, ["a.txt"], True, True),
    ("Manchin and Tester [1][2].", False, ["a.txt", "c.txt"], False, True),  # one citation outside the allowed docs
    ("Manchin and Tester.", False, [], False, False),  # nothing cited
    ("Manchin [1].", False, ["a.txt"], False, False),  # 1 of the 2 points needed
    ("Manchin and Tester [1].", True, ["a.txt"], False, False),  # declined
    ("Manchin, Tester [1].", False, ["c.txt"], False, False),
])
def test_judge_answerable(text, declined, cited, acceptable, some_allowed):
    result = judge(question(), text, declined, cited)
    assert (result.acceptable, result.acceptable_some_allowed, result.right) == (acceptable, some_allowed, acceptable)


def test_judge_lists_what_was_missing():
    result = judge(question(), "Manchin [1].", False, ["a.txt"])
    assert result.points_found == 1 and result.points_needed == 2
    assert result.missing_points == [["Tester"], ["Rounds", "Mike Rounds"]]


def test_derived_points_are_all_required():
    q = question(kind="multi_step", key_points=[["13"], ["four"]], min_points=2, derived_points=[["17"]])
    assert judge(q, "13 in November and four in August: 17 in all [1].", False, ["a.txt"]).acceptable
    missing = judge(q, "13 in November [1] and four in August [2].", False, ["a.txt", "a.txt"])
    assert not missing.acceptable and missing.derived_missing == [["17"]]


def test_verdict_decides_yes_no_questions():
    q = question(kind="yes_no", key_points=[["limited opioid abuse"]], min_points=1, verdict="no")
    assert judge(q, "No: there is comparatively limited opioid abuse [1].", False, ["a.txt"]).acceptable
    assert not judge(q, "Yes, China has limited opioid abuse [1].", False, ["a.txt"]).acceptable


@pytest.mark.parametrize("declined, right", [(True, True), (False, False)])
def test_judge_unanswerable(declined, right):
    q = question(answerable=False, key_points=[], min_points=0)
    result = judge(q, "whatever [1]", declined, [] if declined else ["a.txt"])
    assert result.right is right and not result.acceptable


def result(kind, answerable, right, declined, latency=1.0, first=math.nan, supported=0, checked=0, corpus="demo"):
    q = question(kind=kind, answerable=answerable, corpus=corpus, **({} if answerable else {"key_points": [], "min_points": 0}))
    r = judge(q, "Manchin Tester [1]" if right else "nothing [1]", declined, ["a.txt"])
    r.latency_s, r.first_answer_s, r.citations_supported, r.citations_checked = latency, first, supported, checked
    return r


def test_summarise_shares_are_over_the_right_questions():
    results = [result("list", True, True, False, 1.0, 0.2, 2, 2), result("list", True, False, True, 3.0, 0.4),
               result("lookup", False, False, True, 2.0), result("lookup", False, False, False, 4.0, math.nan, 1, 2)]
    s = summarise(results)
    assert (s["n"], s["n_answerable"], s["n_unanswerable"]) == (4, 2, 2)
    assert s["acceptable"] == 0.5 and s["wrongly_declined"] == 0.5 and s["declined_unanswerable"] == 0.5
    assert s["citation_precision"] == 0.75
    assert s["p50_ms"] == pytest.approx(2500.0) and s["first_p50_ms"] == pytest.approx(300.0)
    assert s["right"] == 0.5  # the acceptable answer and the declined unanswerable question


def test_summarise_empty_shares_are_nan():
    s = summarise([result("list", True, True, False)])
    assert math.isnan(s["declined_unanswerable"]) and math.isnan(s["citation_precision"]) and math.isnan(s["first_p50_ms"])


def test_summarise_by_kind_and_corpus():
    results = [result("list", True, True, False), result("lookup", True, False, False, corpus="git")]
    by_kind = summarise_by(results, "kind")
    assert list(by_kind) == ["list", "lookup", "overall"] and by_kind["list"]["acceptable"] == 1.0
    assert summarise_by(results, "corpus")["git"]["acceptable"] == 0.0


def test_report_and_json_name_every_kind():
    results = [result("list", True, True, False), result("summary", False, False, True, corpus="git")]
    text = report(results, "title")
    assert "list" in text and "summary" in text and "corpus git" in text and "overall" in text
    payload = as_json(results, "x.jsonl", "extractive")
    assert '"by_kind"' in payload and "NaN" not in payload


@pytest.mark.parametrize("name, expected", [("tests/data/dev_questions.jsonl", True), ("demo", False), ("squad2", False)])
def test_dev_set_is_recognised_by_suffix(name, expected):
    assert is_dev_set(name) is expected


def test_cli_names_a_bad_dataset_file(tmp_path):
    from typer.testing import CliRunner

    from qa.cli import app

    runner = CliRunner()

    def flat(output: str) -> str:  # the message as typer boxes it, without the box and line breaks
        return re.sub(r"[\u2500-\u257f\s]", "", output)

    missing = runner.invoke(app, ["eval", "answers", "--dataset", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "nodevelopmentsetat" in flat(missing.output)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"qid": "x", "question": "q"}\n', encoding="utf-8")
    bad = runner.invoke(app, ["eval", "answers", "--dataset", str(broken)])
    assert bad.exit_code == 2 and "broken.jsonl:1:missingfield(s)" in flat(bad.output)


def test_sample_per_kind_spans_every_corpus_and_declining():
    qs = [question(qid=f"{c}-{k}-{i}", corpus=c, kind=k) for c in ("demo", "git", "bashpdf") for k in ("list", "lookup") for i in range(3)]
    qs += [question(qid=f"{c}-lookup-u", corpus=c, kind="lookup", answerable=False, key_points=[], min_points=0) for c in ("git", "demo")]
    picked = sample_per_kind(qs, 4)
    assert len(picked) == 8
    assert {(q.corpus, q.kind) for q in picked if q.answerable} == {(c, k) for c in ("demo", "git", "bashpdf") for k in ("list", "lookup")}
    assert len([q for q in picked if not q.answerable and q.kind == "lookup"]) == 1  # the kind's last pick; "list" has none
    assert all(q.answerable for q in picked if q.kind == "list")
    assert [q.qid for q in picked] == [q.qid for q in qs if q in picked]  # file order kept
    assert len(sample_per_kind(qs[:2], 5)) == 2
    assert all(q.answerable for q in sample_per_kind(qs, 1))


def test_claims_split_list_items_and_sentences():
    text = "Two points.\n- Manchin of West Virginia [1]\n* Tester of Montana [2]\n3. Third item [1]. And more [2]."
    assert claims(text) == ["Two points.", "Manchin of West Virginia [1]", "Tester of Montana [2]", "Third item [1].", "And more [2]."]


@pytest.mark.parametrize("text, expected", [
    ("- Joe Manchin of West Virginia [1]\n- Jon Tester of Montana [2]", (2, 2)),  # each item checked against its own passage
    ("Joe Manchin of West Virginia [1] and Jon Tester of Montana [2].", (0, 2)),  # one sentence: neither passage holds it all
    ("- Joe Manchin of West Virginia [2]", (0, 1)),  # the wrong passage
    ("- Manchin of West Virginia voted 17 times [1]", (0, 1)),  # a figure the passage lacks
    ("Nothing cited here.", (0, 0)),
])
def test_citation_support_per_claim(text, expected):
    passages = {1: "Senator Joe Manchin of West Virginia co-signed.", 2: "Senator Jon Tester of Montana co-signed."}
    assert citation_support(text, passages) == expected


@pytest.mark.parametrize("claim, passages, expected", [
    ("In all: 4 + 13 = 17 [1][2].", ["restricted 4 chemicals in August", "export rules on 13 precursor chemicals"], [True, True]),
    ("In all: 4 + 13 = 18 [1][2].", ["restricted 4 chemicals in August", "export rules on 13 precursor chemicals"], [False, False]),
    ("The difference: 76,226 - 48,422 = 27,804 [1][2].", ["76,226 deaths in 2023", "48422 deaths in 2024"], [True, True]),
    ("In all: 4 + 13 = 17 [1][2].", ["restricted 4 chemicals in August", "a passage with 130 and 1.3 only"], [False, False]),
    ("In all: 4 + 13 = 17 [1].", ["4 in August and 13 in November"], [True]),
    ("China restricted 13 chemicals [1].", ["China restricted 13 chemicals."], None),
])
def test_sum_line_support(claim, passages, expected):
    assert sum_line_support(claim, passages) == expected


def test_a_right_sum_line_counts_as_supported():
    text = "China restricted 13 chemicals in November [1].\nIt restricted 4 in August [2].\nIn all: 4 + 13 = 17 [1][2]."
    passages = {1: "In November China restricted 13 chemicals.", 2: "In August it restricted 4 chemicals."}
    assert citation_support(text, passages) == (4, 4)
