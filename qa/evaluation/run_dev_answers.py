"""`qa eval answers --dataset FILE.jsonl`: the development set of question kinds, scored by kind.

Each corpus the file names is ingested into its own cached store (``$QA_CACHE/eval/<model>/dev-<corpus>``, as
``qa eval retrieval`` caches its sets; re-runs only check the files), then every question is asked through
``qa.ask_stream`` with its history, and scored by :mod:`qa.evaluation.dev_scoring`. Printed: one row per kind and
one per corpus, then overall; ``--json`` prints the same figures as JSON; ``--out FILE`` writes one JSON line per
question (the answer, what was missing, what it cited) so failures can be read.

Latency is measured from the question to the final Answer; ``first`` is the time to the first Answer object the
stream yields, which differs from the final one only when a generator yields an early answer and then a better one.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

from qa.evaluation.dev_scoring import QuestionResult, citation_support, judge, summarise_by
from qa.evaluation.dev_set import KINDS, corpus_dir, load_dev_questions
from qa.evaluation.metrics import format_table

COLUMNS = ["acceptable", "acceptable_some_allowed", "declined_unanswerable", "wrongly_declined", "citation_precision",
           "p50_ms", "p95_ms", "first_p50_ms", "n_answerable", "n_unanswerable"]


def corpus_store(corpus: str) -> Path:
    """The cached store of one corpus of the development set."""
    from qa.evaluation.run_retrieval import eval_store

    return eval_store(f"dev-{corpus}")


def index_dev_corpus(corpus: str) -> Path:
    """Ingest a corpus's folder into its store (idempotent) and return the store's path."""
    from qa.evaluation.datasets import EvalCorpus
    from qa.evaluation.run_retrieval import index_corpus

    folder = corpus_dir(corpus)
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus {corpus!r} has no folder {folder}: check out tests/data/corpora (or run scripts/make_eval_pdfs.sh)")
    store = corpus_store(corpus)
    index_corpus(f"dev-{corpus}", EvalCorpus(corpus, (), (folder,)), store)
    return store


def sample_per_kind(questions: list, n: int) -> list:
    """At most ``n`` questions of each kind, kept in file order: answerable ones taken in turn from each corpus (first
    of demo, first of git, first of bashpdf, second of demo, ..., each kind starting one corpus further), and, when
    ``n`` >= 2 and the kind has one, its last pick an unanswerable question (likewise in turn): a small subset that spans kinds, corpora and declining."""
    keep: set[str] = set()

    def in_turn(pool: list, count: int, start: int) -> list:
        queues = list({q.corpus: [p for p in pool if p.corpus == q.corpus] for q in pool}.values())
        if queues:
            start %= len(queues)
            queues = queues[start:] + queues[:start]
        picked: list = []
        while len(picked) < count and any(queues):
            for queue in queues:
                if queue and len(picked) < count:
                    picked.append(queue.pop(0))
        return picked

    for turn, kind in enumerate(dict.fromkeys(q.kind for q in questions)):
        answerable = [q for q in questions if q.kind == kind and q.answerable]
        unanswerable = [q for q in questions if q.kind == kind and not q.answerable]
        n_unanswerable = min(1, len(unanswerable)) if n >= 2 else 0
        chosen = in_turn(answerable, n - n_unanswerable, turn)
        chosen += in_turn(unanswerable, n - len(chosen), turn + n)
        keep.update(q.qid for q in chosen)
    return [q for q in questions if q.qid in keep]


def ask_and_judge(q, store: Path, generator: str, k: int | None = None) -> QuestionResult:
    """Ask one question (with its history) through the streaming API and score the final Answer."""
    from qa import api
    from qa.types import Answer

    started = time.perf_counter()
    first, answer = math.nan, None
    try:
        for item in api.ask_stream(q.question, history=[tuple(p) for p in q.history] or None, k=k, generator=generator,
                                   store=store, collection="eval"):
            if isinstance(item, Answer):
                if answer is None:
                    first = time.perf_counter() - started
                answer = item
    except Exception as exc:  # noqa: BLE001 - a crash on one question is a failed question, reported, not a lost run
        result = judge(q, "", declined=True, cited_docs=[])
        result.right, result.error = False, f"{type(exc).__name__}: {exc}"
        result.latency_s = time.perf_counter() - started
        return result
    latency = time.perf_counter() - started
    result = judge(q, answer.text, declined=not answer.grounded, cited_docs=[c.doc_id for c in answer.citations])
    result.cited_passages = {c.n: c.text for c in answer.citations}
    if answer.grounded:
        result.citations_supported, result.citations_checked = citation_support(answer.text, result.cited_passages)
    result.answer_kind = getattr(answer, "kind", None)
    result.latency_s, result.first_answer_s = latency, first
    return result


def evaluate_dev_set(path: str | Path, generator: str = "extractive", corpus: str | None = None, limit: int | None = None,
                     k: int | None = None, out: str | Path | None = None, progress: bool = True) -> list[QuestionResult]:
    """Answer and score the questions of a development-set file (``limit``: N of each kind, see :func:`sample_per_kind`)."""
    questions = load_dev_questions(path, corpus)
    if limit:
        questions = sample_per_kind(questions, limit)
    stores = {name: index_dev_corpus(name) for name in dict.fromkeys(q.corpus for q in questions)}
    results = []
    sink = open(out, "w", encoding="utf-8") if out else None  # noqa: SIM115 - written line by line as answers come
    try:
        for number, q in enumerate(questions, start=1):
            result = ask_and_judge(q, stores[q.corpus], generator, k)
            results.append(result)
            if sink:
                sink.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
                sink.flush()
            if progress:
                mark = "ok " if result.right else "ERR" if result.error else "no "
                print(f"[{number}/{len(questions)}] {mark} {q.qid} {result.latency_s:.1f}s", file=sys.stderr, flush=True)
    finally:
        if sink:
            sink.close()
    return results


def report(results: list[QuestionResult], title: str) -> str:
    """The printed tables: by kind (in the set's order of kinds), by corpus, overall."""
    by_kind = summarise_by(results, "kind")
    kinds = {k: by_kind[k] for k in KINDS if k in by_kind}
    by_corpus = summarise_by(results, "corpus")
    overall = by_kind.pop("overall")
    by_corpus.pop("overall")
    rows = {**kinds, **{f"corpus {c}": v for c, v in by_corpus.items()}, "overall": overall}
    errors = sum(bool(r.error) for r in results)
    lines = [title, format_table(rows, COLUMNS)]
    if errors:
        lines.append(f"{errors} question(s) raised an error while answering (see --out)")
    lines.append("acceptable: not declined, key points present, every citation in an allowed document (at least one); "
                 "acceptable_some_allowed: at least one citation allowed. Shares of answerable questions, except "
                 "declined_unanswerable. Latency: question to final Answer; first: to the first Answer yielded.")
    return "\n".join(lines)


def as_json(results: list[QuestionResult], dataset: str, generator: str) -> str:
    """The figures as JSON: overall, by kind and by corpus (NaN as null)."""
    def clean(d: dict) -> dict:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}

    by_kind, by_corpus = summarise_by(results, "kind"), summarise_by(results, "corpus")
    overall = by_kind.pop("overall")
    by_corpus.pop("overall")
    return json.dumps({"dataset": str(dataset), "generator": generator, "overall": clean(overall),
                       "by_kind": {k: clean(v) for k, v in by_kind.items()},
                       "by_corpus": {k: clean(v) for k, v in by_corpus.items()}}, indent=2)


def main(dataset: str, generator: str = "extractive", corpus: str | None = None, limit: int | None = None,
         out: str | None = None, json_output: bool = False) -> str:
    results = evaluate_dev_set(dataset, generator, corpus, limit, out=out)
    if json_output:
        return as_json(results, dataset, generator)
    scope = f", corpus {corpus}" if corpus else ""
    return report(results, f"answers on {dataset} (generator {generator}{scope}, {len(results)} questions)")
