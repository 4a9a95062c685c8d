"""Evaluation: the test sets, the scoring functions and the tutorial baseline.

- :mod:`qa.evaluation.datasets`: ``load_dataset("squad2" | "rgb" | "demo")`` -> ``(EvalCorpus, [EvalQuestion])``.
- :mod:`qa.evaluation.metrics`: SQuAD exact match / F1, ``contains_gold``, recall@k, MRR@k, latency percentiles, tables.
- :mod:`qa.evaluation.baseline`: ``TutorialBaseline``, the retriever our pipeline is compared with
  (imported lazily: it pulls in chromadb and the embedding model).
"""

from .datasets import CorpusRecord, EvalCorpus, EvalQuestion, load_dataset, sample_questions
from .metrics import (
    contains_gold,
    exact_match,
    first_hit_rank,
    format_table,
    gold_coverage_at_k,
    is_hit,
    latency_summary,
    mrr_at_k,
    normalize_answer,
    percentile,
    print_table,
    recall_at_k,
    retrieval_scores,
    token_f1,
)

__all__ = [
    "CorpusRecord",
    "EvalCorpus",
    "EvalQuestion",
    "load_dataset",
    "sample_questions",
    "contains_gold",
    "exact_match",
    "first_hit_rank",
    "format_table",
    "gold_coverage_at_k",
    "is_hit",
    "latency_summary",
    "mrr_at_k",
    "normalize_answer",
    "percentile",
    "print_table",
    "recall_at_k",
    "retrieval_scores",
    "token_f1",
]
