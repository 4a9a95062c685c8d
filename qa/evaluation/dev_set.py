"""The development set of question kinds (``tests/data/dev_questions.jsonl`` or any file in its format).

One JSON object a line:

- ``qid``: unique id; ``corpus``: ``demo`` | ``git`` | ``bashpdf`` (see :data:`CORPUS_DIRS`);
- ``question``; ``kind``: one of :data:`KINDS`; ``answerable``: false when the documents do not hold the answer;
- ``key_points``: groups of alternative strings (case-insensitive), any one of which counts for its group;
  ``min_points``: how many groups an acceptable answer holds;
- ``derived_points`` (optional): groups that must ALL be present, figures worked out from the documents rather
  than stated in them (a multi-step total such as "17"), so never found in a document's text;
- ``verdict`` (optional, yes/no questions): ``"yes"`` or ``"no"``; an answer that opens with the opposite word fails;
- ``allowed_docs``: doc ids an answer may cite, as ``qa ingest FOLDER`` names them (paths relative to the folder);
- ``history`` (optional): the conversation before a follow-up, ``[[user, assistant], ...]`` oldest first;
- ``note`` (optional): why the question is built as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = PROJECT_ROOT / "tests" / "data" / "dev_questions.jsonl"
CORPORA_ROOT = PROJECT_ROOT / "tests" / "data" / "corpora"
#: Each corpus's folder, ingested whole: the demo articles (the project's copy of ../shared/corpus without its
#: README), pages of git's manual from Debian's git-doc, PDFs printed by chromium from bash's reference manual.
CORPUS_DIRS = {"demo": PROJECT_ROOT / "corpus", "git": CORPORA_ROOT / "git", "bashpdf": CORPORA_ROOT / "bashpdf"}
KINDS = ("lookup", "yes_no", "list", "summary", "explanation", "howto", "comparison", "multi_step", "opinion", "followup")


@dataclass(frozen=True)
class DevQuestion:
    """One question of the development set, with what an acceptable answer holds (fields as in the module doc)."""

    qid: str
    corpus: str
    question: str
    kind: str
    answerable: bool
    key_points: tuple[tuple[str, ...], ...]
    min_points: int
    allowed_docs: tuple[str, ...]
    derived_points: tuple[tuple[str, ...], ...] = ()
    verdict: str | None = None
    history: tuple[tuple[str, str], ...] = ()
    note: str = ""


class DevSetError(ValueError):
    """A line of a development set file is malformed; the message names the file, the line and the fix."""


def _groups(value, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not all(isinstance(g, list) and g and all(isinstance(s, str) and s.strip() for s in g) for g in value):
        raise DevSetError(f"{where}: key points must be a list of non-empty lists of strings, e.g. [[\"13\"], [\"four\", \"4\"]]")
    return tuple(tuple(g) for g in value)


def parse_question(row: dict, where: str = "question") -> DevQuestion:
    """A :class:`DevQuestion` from one decoded line; :class:`DevSetError` naming the problem when it is malformed."""
    missing = [f for f in ("qid", "corpus", "question", "kind", "answerable", "key_points", "min_points", "allowed_docs") if f not in row]
    if missing:
        raise DevSetError(f"{where}: missing field(s) {', '.join(missing)}")
    if row["kind"] not in KINDS:
        raise DevSetError(f"{where}: kind {row['kind']!r} is not one of {', '.join(KINDS)}")
    if row["corpus"] not in CORPUS_DIRS:
        raise DevSetError(f"{where}: corpus {row['corpus']!r} is not one of {', '.join(CORPUS_DIRS)}")
    key_points = _groups(row["key_points"], where) if row["key_points"] else ()
    min_points = int(row["min_points"])
    if not 0 <= min_points <= len(key_points):
        raise DevSetError(f"{where}: min_points {min_points} must be between 0 and the number of key-point groups ({len(key_points)})")
    if row["answerable"] and not (min_points or row.get("derived_points")):
        raise DevSetError(f"{where}: an answerable question needs min_points >= 1 or derived_points")
    verdict = row.get("verdict")
    if verdict not in (None, "yes", "no"):
        raise DevSetError(f"{where}: verdict must be \"yes\" or \"no\", not {verdict!r}")
    history = tuple((str(u), str(a)) for u, a in row.get("history") or ())
    if not row["allowed_docs"]:
        raise DevSetError(f"{where}: allowed_docs is empty: list the doc ids an answer may cite")
    return DevQuestion(
        qid=str(row["qid"]), corpus=row["corpus"], question=str(row["question"]), kind=row["kind"],
        answerable=bool(row["answerable"]), key_points=key_points, min_points=min_points,
        allowed_docs=tuple(row["allowed_docs"]),
        derived_points=_groups(row["derived_points"], where) if row.get("derived_points") else (),
        verdict=verdict, history=history, note=str(row.get("note") or ""),
    )


def load_dev_questions(path: str | Path = DEV_QUESTIONS, corpus: str | None = None) -> list[DevQuestion]:
    """Every question of a development set file, in file order (only one corpus's when ``corpus`` is given)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no development set at {path}: give the path of a .jsonl file in the format of {DEV_QUESTIONS.name}")
    questions, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DevSetError(f"{where}: not valid JSON ({exc.msg}); each line must be one JSON object") from None
        q = parse_question(row, where)
        if q.qid in seen:
            raise DevSetError(f"{where}: qid {q.qid!r} is used twice; give each question its own id")
        seen.add(q.qid)
        questions.append(q)
    if corpus is not None:
        if corpus not in CORPUS_DIRS:
            raise DevSetError(f"unknown corpus {corpus!r}: choose from {', '.join(CORPUS_DIRS)}")
        questions = [q for q in questions if q.corpus == corpus]
    return questions


def corpus_dir(name: str) -> Path:
    """The folder a corpus is ingested from."""
    return CORPUS_DIRS[name]
