"""Typed loaders for the evaluation sets.

Three sets, each a corpus (documents to ingest) plus questions about it:

- ``squad2``: SQuAD 2.0 dev, 1,204 Wikipedia paragraphs (``passages.jsonl``); a
  question's gold document is its paragraph id. Only the development split
  (``sha1(qid)`` hex digest starting with 0-7) is for everyday use.
- ``rgb``: RGB English news snippets (``corpus.jsonl``) and all 86 questions.
- ``demo``: the project's own questions (``tests/data/demo_questions.jsonl``)
  about the five demo articles in ``corpus/`` at the project root.

The shared sets are read where they are, never copied: ``$QA_EVAL_DIR`` if set,
else ``../shared/eval`` relative to the project root.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "demo_questions.jsonl"
DEMO_CORPUS_DIR = PROJECT_ROOT / "corpus"
# RGB questions labelled unanswerable whose answer a look-alike snippet left in the corpus states anyway, each with
# the snippet and the words that state it (checked by hand; the tests check each quote is in its snippet).
RGB_ANSWER_LEFT = PROJECT_ROOT / "tests" / "data" / "rgb_answer_left_in_corpus.jsonl"
DATASETS = ("squad2", "rgb", "demo")


def is_dev_set(dataset: str) -> bool:
    """Is ``dataset`` a development-set file of question kinds (a path ending in .jsonl, read by
    :func:`qa.evaluation.dev_set.load_dev_questions`) rather than one of :data:`DATASETS`?"""
    return str(dataset).endswith(".jsonl")


@dataclass(frozen=True)
class CorpusRecord:
    """One document of an evaluation corpus, to be ingested as is."""

    doc_id: str
    title: str
    text: str


@dataclass(frozen=True)
class EvalCorpus:
    """The documents a set's questions are asked against.

    ``sources`` are the files the records came from (a .jsonl, or the demo
    text files), for pipelines that ingest paths rather than records.
    """

    name: str
    records: tuple[CorpusRecord, ...]
    sources: tuple[Path, ...] = ()

    def __len__(self) -> int:
        return len(self.records)

    def by_id(self) -> dict[str, CorpusRecord]:
        """Records keyed by doc_id."""
        return {r.doc_id: r for r in self.records}


@dataclass(frozen=True)
class EvalQuestion:
    """A question with what counts as a right answer and where it is found.

    ``answers`` is empty and ``gold_doc_ids`` is empty when the question is
    unanswerable from the corpus (the right reply is to decline).
    ``near_doc_ids`` names the document an unanswerable question was written
    against (SQuAD 2.0), for analysis only. ``evidence`` (demo set only) holds
    exact substrings of the gold documents that support the answer: one, or
    one per gold document (same order) when several documents answer it; a
    retrieved passage supports the answer if it contains any of them.
    ``stated_in`` (RGB only) names the snippets that state the answer of a
    question labelled unanswerable all the same (``RGB_ANSWER_LEFT``): quoting
    them is right, so such a question is scored apart from the truly absent.
    """

    qid: str
    question: str
    answers: tuple[str, ...]
    answerable: bool
    gold_doc_ids: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    near_doc_ids: tuple[str, ...] = field(default=())
    stated_in: tuple[str, ...] = field(default=())


def sha1_hex(text: str) -> str:
    """Hex sha1 of a string (UTF-8); used for splits and deterministic samples."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def is_squad_dev(qid: str) -> bool:
    """True when a SQuAD question belongs to the development split (digest starts 0-7)."""
    return sha1_hex(qid)[0] in "01234567"


def resolve_eval_dir(override: str | os.PathLike | None = None) -> Path:
    """Folder of the shared evaluation sets: the argument, ``$QA_EVAL_DIR``, or ``../shared/eval``."""
    chosen = override or os.environ.get("QA_EVAL_DIR") or PROJECT_ROOT.parent / "shared" / "eval"
    return Path(chosen)


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sample_questions(
    questions: list[EvalQuestion],
    limit: int | None = None,
    n_answerable: int | None = None,
    n_unanswerable: int | None = None,
) -> list[EvalQuestion]:
    """A deterministic sample: questions sorted by ``sha1(qid)``, then cut.

    ``n_answerable`` / ``n_unanswerable`` keep the first N of each kind (None
    keeps all of that kind); ``limit`` then caps the total. With no argument the
    questions come back in their original order.
    """
    if limit is None and n_answerable is None and n_unanswerable is None:
        return list(questions)
    ordered = sorted(questions, key=lambda q: sha1_hex(q.qid))
    answerable = [q for q in ordered if q.answerable][:n_answerable]
    unanswerable = [q for q in ordered if not q.answerable][:n_unanswerable]
    keep = {q.qid for q in answerable + unanswerable}
    picked = [q for q in ordered if q.qid in keep]
    return picked[:limit]


def _load_squad2(root: Path, split: str, allow_heldout: bool) -> tuple[EvalCorpus, list[EvalQuestion]]:
    if split == "heldout" and not allow_heldout:
        raise ValueError("the SQuAD held-out split is for final measurement only: pass allow_heldout=True")
    folder = root / "squad2-dev"
    passages = folder / "passages.jsonl"
    records = tuple(CorpusRecord(p["pid"], p["title"], p["text"]) for p in _read_jsonl(passages))
    wanted_dev = split == "dev"
    questions = []
    for q in _read_jsonl(folder / "questions.jsonl"):
        if is_squad_dev(q["qid"]) != wanted_dev:
            continue
        answerable = bool(q["answerable"])
        questions.append(
            EvalQuestion(
                qid=q["qid"],
                question=q["question"],
                answers=tuple(q["answers"]),
                answerable=answerable,
                gold_doc_ids=(q["gold_pid"],) if answerable else (),
                near_doc_ids=() if answerable else (q["gold_pid"],),
            )
        )
    return EvalCorpus("squad2", records, (passages,)), questions


def _load_rgb(root: Path) -> tuple[EvalCorpus, list[EvalQuestion]]:
    folder = root / "rgb-news"
    corpus_path = folder / "corpus.jsonl"
    records = tuple(CorpusRecord(r["pid"], r.get("title") or r["pid"], r["text"]) for r in _read_jsonl(corpus_path))
    left: dict[str, list[str]] = {}
    for row in _read_jsonl(RGB_ANSWER_LEFT) if RGB_ANSWER_LEFT.is_file() else []:
        left.setdefault(row["qid"], []).append(row["pid"])
    questions = [
        EvalQuestion(
            qid=q["qid"],
            question=q["question"],
            answers=tuple(q["answers"]) if q["answerable"] else (),
            answerable=bool(q["answerable"]),
            gold_doc_ids=tuple(q["gold_pids"]),
            stated_in=() if q["answerable"] else tuple(left.get(q["qid"], ())),
        )
        for q in _read_jsonl(folder / "questions.jsonl")
    ]
    return EvalCorpus("rgb", records, (corpus_path,)), questions


def _first_line(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return fallback


def _evidence(value: str | list[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def load_demo(
    questions_path: Path = DEMO_QUESTIONS, corpus_dir: Path = DEMO_CORPUS_DIR
) -> tuple[EvalCorpus, list[EvalQuestion]]:
    """The demo set: every ``*.txt`` in ``corpus_dir`` (doc_id = file name, raw text) and the project's questions."""
    files = tuple(sorted(Path(corpus_dir).glob("*.txt")))
    if not files:
        raise FileNotFoundError(f"no demo corpus files in {corpus_dir}")
    records = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        records.append(CorpusRecord(path.name, _first_line(text, path.name), text))
    questions = [
        EvalQuestion(
            qid=q["qid"],
            question=q["question"],
            answers=tuple(q["answers"]),
            answerable=bool(q["answerable"]),
            gold_doc_ids=tuple(q["gold_doc_ids"]),
            evidence=_evidence(q.get("evidence")),
        )
        for q in _read_jsonl(Path(questions_path))
    ]
    return EvalCorpus("demo", tuple(records), files), questions


def load_dataset(
    name: str,
    split: str = "dev",
    eval_dir: str | os.PathLike | None = None,
    *,
    limit: int | None = None,
    n_answerable: int | None = None,
    n_unanswerable: int | None = None,
    allow_heldout: bool = False,
) -> tuple[EvalCorpus, list[EvalQuestion]]:
    """Load an evaluation set as ``(corpus, questions)``.

    name: ``"squad2"``, ``"rgb"`` or ``"demo"``.
    split: ``"dev"`` (default). For squad2 it keeps questions whose ``sha1(qid)``
        starts with 0-7; ``"heldout"`` (8-f) also needs ``allow_heldout=True`` and
        is for final measurement only: never tune on it, never read it question
        by question. rgb and demo have no split: ``"dev"`` returns all their
        questions and ``"heldout"`` is an error.
    eval_dir: folder holding ``squad2-dev/`` and ``rgb-news/``
        (default ``$QA_EVAL_DIR`` or ``../shared/eval`` from the project root).
    limit, n_answerable, n_unanswerable: deterministic sample, see
        :func:`sample_questions` (e.g. ``n_answerable=200, n_unanswerable=200``).
    """
    if split not in ("dev", "heldout"):
        raise ValueError(f"unknown split {split!r}: use 'dev' or 'heldout'")
    if is_dev_set(name):
        raise ValueError(f"{name} is a development set of question kinds: read it with qa.evaluation.dev_set.load_dev_questions")
    if name == "squad2":
        corpus, questions = _load_squad2(resolve_eval_dir(eval_dir), split, allow_heldout)
    elif split == "heldout":
        raise ValueError(f"{name!r} has no held-out split")
    elif name == "rgb":
        corpus, questions = _load_rgb(resolve_eval_dir(eval_dir))
    elif name == "demo":
        corpus, questions = load_demo()
    else:
        raise ValueError(f"unknown dataset {name!r}: choose from {DATASETS}")
    return corpus, sample_questions(questions, limit, n_answerable, n_unanswerable)
