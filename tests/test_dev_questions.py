"""The development set (tests/data/dev_questions.jsonl) is well formed and true to its documents.

Every key-point group of an answerable question has an alternative that occurs in the cleaned text of one of the
documents the question allows (read with qa.ingestion.iter_documents, as ingestion reads them); every allowed doc
id is a document of its corpus; the set covers every kind, with enough unanswerable questions.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache

import pytest

from qa.evaluation.dev_scoring import holds, normalise
from qa.evaluation.dev_set import CORPUS_DIRS, DEV_QUESTIONS, KINDS, DevSetError, load_dev_questions, parse_question
from qa.ingestion import iter_documents
from qa.types import Document

QUESTIONS = load_dev_questions()


@lru_cache(maxsize=None)
def corpus_texts(name: str) -> dict[str, str]:
    docs = [d for d in iter_documents([CORPUS_DIRS[name]]) if isinstance(d, Document)]
    return {d.doc_id: normalise(d.title + "\n" + d.text) for d in docs}


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.qid)
def test_allowed_docs_exist(q):
    texts = corpus_texts(q.corpus)
    assert texts, f"corpus {q.corpus} has no documents in {CORPUS_DIRS[q.corpus]}"
    unknown = [d for d in q.allowed_docs if d not in texts]
    assert not unknown, f"{q.qid}: {unknown} are not documents of {q.corpus} (have {sorted(texts)[:5]}...)"


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.answerable], ids=lambda q: q.qid)
def test_every_key_point_is_in_an_allowed_document(q):
    texts = [corpus_texts(q.corpus)[d] for d in q.allowed_docs if d in corpus_texts(q.corpus)]
    absent = [group for group in q.key_points if not any(holds(text, alt) for alt in group for text in texts)]
    assert not absent, f"{q.qid}: no alternative of {absent} occurs in {q.allowed_docs}"


def test_set_covers_every_kind_with_enough_unanswerable():
    kinds = Counter(q.kind for q in QUESTIONS)
    assert len(QUESTIONS) >= 120
    assert {k: kinds[k] for k in KINDS if kinds[k] < 10} == {}
    assert sum(not q.answerable for q in QUESTIONS) >= 0.15 * len(QUESTIONS)
    assert set(Counter(q.corpus for q in QUESTIONS)) == set(CORPUS_DIRS)
    assert all(q.history for q in QUESTIONS if q.kind == "followup")


def test_unanswerable_questions_carry_no_key_points():
    assert all(not q.key_points and not q.derived_points for q in QUESTIONS if not q.answerable)


@pytest.mark.parametrize("row, message", [
    ({"qid": "x", "corpus": "demo", "question": "q", "kind": "essay", "answerable": True, "key_points": [["a"]], "min_points": 1,
      "allowed_docs": ["d"]}, "kind 'essay'"),
    ({"qid": "x", "corpus": "demo", "question": "q", "kind": "list", "answerable": True, "key_points": [["a"]], "min_points": 2,
      "allowed_docs": ["d"]}, "min_points 2"),
    ({"qid": "x", "corpus": "demo", "question": "q", "kind": "list", "answerable": True, "key_points": ["a"], "min_points": 1,
      "allowed_docs": ["d"]}, "list of non-empty lists"),
    ({"qid": "x", "corpus": "demo", "question": "q", "kind": "list", "answerable": True, "key_points": [["a"]], "min_points": 1,
      "allowed_docs": []}, "allowed_docs is empty"),
    ({"qid": "x", "corpus": "nope", "question": "q", "kind": "list", "answerable": True, "key_points": [["a"]], "min_points": 1,
      "allowed_docs": ["d"]}, "corpus 'nope'"),
    ({"qid": "x", "question": "q"}, "missing field"),
])
def test_malformed_lines_are_named(row, message):
    with pytest.raises(DevSetError, match=message):
        parse_question(row, "line 1")


def test_a_broken_file_names_its_line(tmp_path):
    good = DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "set.jsonl"
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DevSetError, match=r"set.jsonl:2: not valid JSON"):
        load_dev_questions(path)
    path.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(DevSetError, match="used twice"):
        load_dev_questions(path)
    assert json.loads(good)["qid"] == load_dev_questions(DEV_QUESTIONS)[0].qid
