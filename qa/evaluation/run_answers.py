"""`qa eval answers`: answer quality, citation quality and declining, on an evaluation set.

Printed per run: SQuAD token F1 and exact match (a declined answer counts as the empty answer, so it scores 1 on
an unanswerable question), the share of answerable questions whose answer contains a gold answer, citation
precision (share of citations whose passage supports the sentence citing it) and recall (share of answer
sentences with a supporting citation), the share of unanswerable questions declined and of answerable
questions wrongly declined, and latency.  For RGB, whose "unanswerable" questions sometimes keep a look-alike
snippet that states the answer all the same (tests/data/rgb_answer_left_in_corpus.jsonl), two more figures:
the share declined of those whose answer no snippet states (declined_absent), and the share of the others answered
citing a snippet that states it (cited_stated).

Support is judged here independently of the pipeline's own verifier (qa.verification): a sentence is supported
by a passage when the passage holds at least 75% of the sentence's content words and every figure in it.
"""

from __future__ import annotations

import re
import time

from qa.evaluation.datasets import load_dataset
from qa.evaluation.metrics import contains_gold, exact_match, format_table, latency_summary, normalize_answer, token_f1
from qa.evaluation.run_retrieval import eval_store, index_corpus

MARKERS = re.compile(r"\s*\[\d+\]")
_FIGURE = re.compile(r"\d")
_STOP = set("a an the of in on at to for by with from and or but is are was were be been it its this that as which who what when".split())
COLUMNS = ["f1", "em", "contains_gold", "citation_precision", "citation_recall", "declined_unanswerable", "wrongly_declined",
           "declined_absent", "cited_stated", "p50_ms", "p95_ms", "n"]


def content_words(text: str) -> set[str]:
    return {w for w in normalize_answer(text).split() if w not in _STOP}


def supports(sentence: str, passage: str, min_share: float = 0.75) -> bool:
    """Does the passage hold the sentence's content: 75% of its content words and all of its figures?"""
    claim, held = content_words(MARKERS.sub("", sentence)), content_words(passage)
    if not claim:
        return True
    figures = {w for w in claim if _FIGURE.search(w)}
    return figures <= held and len(claim & held) / len(claim) >= min_share


def answer_sentences(text: str) -> list[str]:
    """Sentences of an answer, markers kept (a marker after the full stop stays with its sentence)."""
    if "\n" in text.strip():  # a list or a composed answer: each line is a claim of its own, with its own markers
        return [s for line in text.split("\n") if line.strip() for s in answer_sentences(re.sub(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+", "", line))]
    parts = re.split(r"(?<=[.!?])(?:\s*(\[\d+\]))?\s+(?=[A-Z\"'“(])", text.strip())
    out: list[str] = []
    for part in parts:
        if part is None:
            continue
        if re.fullmatch(r"\[\d+\]", part) and out:
            out[-1] += " " + part
        elif part.strip():
            out.append(part.strip())
    return out


def citation_scores(answer) -> tuple[int, int, int, int]:
    """(supporting citations, citations, supported sentences, sentences with content) of one answer."""
    by_n = {c.n: c for c in answer.citations}
    good = total = supported = sentences = 0
    for sentence in answer_sentences(answer.text):
        cited = [by_n[int(n)] for n in re.findall(r"\[(\d+)\]", sentence) if int(n) in by_n]
        if not content_words(MARKERS.sub("", sentence)):
            continue
        sentences += 1
        ok = [supports(sentence, c.text) for c in cited]
        good, total = good + sum(ok), total + len(ok)
        supported += any(ok)
    return good, total, supported, sentences


def score_answers(results, latencies: list[float] | None = None) -> dict:
    """The figures of one run from ``(EvalQuestion, Answer)`` pairs; ``latencies`` in seconds, one per answer."""
    f1 = em = 0.0
    gold_hits = answerable = unanswerable = declined_un = declined_ans = 0
    cite_good = cite_total = sent_ok = sent_total = 0
    absent = declined_absent = stated = cited_stated = 0
    for q, answer in results:
        prediction = MARKERS.sub("", answer.text) if answer.grounded else ""
        f1 += token_f1(prediction, q.answers)
        em += exact_match(prediction, q.answers)
        if q.answerable:
            answerable += 1
            gold_hits += bool(prediction) and contains_gold(prediction, q.answers)
            declined_ans += not answer.grounded
        else:
            unanswerable += 1
            declined_un += not answer.grounded
            if q.stated_in:  # labelled unanswerable, but a snippet left in the corpus states the answer
                stated += 1
                cited_stated += any(c.doc_id in q.stated_in for c in answer.citations)
            else:
                absent += 1
                declined_absent += not answer.grounded
        if answer.grounded:
            g, t, s, n = citation_scores(answer)
            cite_good, cite_total, sent_ok, sent_total = cite_good + g, cite_total + t, sent_ok + s, sent_total + n
    nan = float("nan")
    lat = latency_summary(latencies or [])
    return {
        "f1": f1 / len(results) if results else nan, "em": em / len(results) if results else nan,
        "contains_gold": gold_hits / answerable if answerable else nan,
        "citation_precision": cite_good / cite_total if cite_total else nan,
        "citation_recall": sent_ok / sent_total if sent_total else nan,
        "declined_unanswerable": declined_un / unanswerable if unanswerable else nan,
        "wrongly_declined": declined_ans / answerable if answerable else nan,
        "declined_absent": declined_absent / absent if stated and absent else nan,
        "cited_stated": cited_stated / stated if stated else nan,
        "n_absent": absent if stated else 0, "n_stated": stated,
        "p50_ms": lat["p50_ms"], "p95_ms": lat["p95_ms"], "n": len(results),
    }


def evaluate_answers(dataset: str, generator: str = "extractive", split: str = "dev", n_answerable: int | None = 200,
                     n_unanswerable: int | None = 200, k: int | None = None) -> dict:
    from qa import api

    corpus, questions = load_dataset(dataset, split, n_answerable=n_answerable, n_unanswerable=n_unanswerable)
    store = eval_store(dataset)
    index_corpus(dataset, corpus, store)
    results, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        results.append((q, api.ask(q.question, generator=generator, k=k, store=store, collection="eval")))
        latencies.append(time.perf_counter() - started)
    return score_answers(results, latencies)


def main(dataset: str, generator: str = "extractive", split: str = "dev", n_answerable: int | None = 200, n_unanswerable: int | None = 200) -> str:
    limits = (n_answerable, n_unanswerable) if dataset == "squad2" else (None, None)
    scores = evaluate_answers(dataset, generator, split, *limits)
    title = f"answers on {dataset} ({split} split, generator {generator})"
    table = format_table({generator: scores}, COLUMNS)
    if scores["n_stated"]:
        table += (f"\ndeclined_absent: of the {scores['n_absent']} questions labelled unanswerable whose answer no snippet states; "
                  f"cited_stated: of the {scores['n_stated']} whose answer a look-alike snippet states all the same, "
                  "the share answered citing it (tests/data/rgb_answer_left_in_corpus.jsonl)")
    return title + "\n" + table
