"""`qa eval`: retrieval, answers and documents measured on evaluation sets (development split only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qa.cli_common import _run

eval_app = typer.Typer(help="Measure retrieval and answers on evaluation sets (development split only).", no_args_is_help=True)


@eval_app.command("retrieval")
def eval_retrieval(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="squad2, rgb, demo, or a development-set file (.jsonl): gold = the documents an answer may cite.")] = "squad2",
    split: Annotated[str, typer.Option("--split", help="dev (the held-out split is not for tuning).")] = "dev",
    limit: Annotated[Optional[int], typer.Option("--limit", help="Answerable questions to use (a deterministic sample).")] = None,
    modes: Annotated[str, typer.Option("--modes", help="Comma-separated: dense, hybrid, rerank.")] = "dense,hybrid,rerank",
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="Also score the common tutorial pipeline.")] = True,
    corpus: Annotated[Optional[str], typer.Option("--corpus", help="Development set: only this corpus's questions (demo, git, bashpdf).")] = None,
):
    """Recall@1/5/10, MRR@10 and latency of retrieval, against the tutorial baseline, in one run."""
    from qa.evaluation.datasets import is_dev_set

    chosen = tuple(m.strip() for m in modes.split(",") if m.strip())
    if is_dev_set(dataset):
        from qa.evaluation.run_dev_retrieval import main as run_dev

        typer.echo(_run(lambda: run_dev(dataset, chosen, corpus)))
        return
    from qa.evaluation.run_retrieval import main as run

    typer.echo(_run(lambda: run(dataset, split, limit, chosen, baseline)))


@eval_app.command("answers")
def eval_answers(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="squad2, rgb, demo, or a development-set file (.jsonl, e.g. tests/data/dev_questions.jsonl).")] = "squad2",
    generator: Annotated[str, typer.Option("--generator", "-g", help="extractive, local or openai.")] = "extractive",
    split: Annotated[str, typer.Option("--split", help="dev (the held-out split is not for tuning).")] = "dev",
    answerable: Annotated[int, typer.Option("--answerable", help="SQuAD: answerable questions sampled.")] = 200,
    unanswerable: Annotated[int, typer.Option("--unanswerable", help="SQuAD: unanswerable questions sampled.")] = 200,
    corpus: Annotated[Optional[str], typer.Option("--corpus", help="Development set: only this corpus's questions (demo, git, bashpdf).")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="Development set: N questions of each kind, taken in turn from each corpus.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Development set: write one JSON line per question (answer, what was missing).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Development set: print the figures as JSON.")] = False,
):
    """Answer accuracy, citation precision/recall and declining, for one generator; by kind for a .jsonl set."""
    from qa.evaluation.datasets import is_dev_set

    if is_dev_set(dataset):
        from qa.evaluation.dev_set import DevSetError
        from qa.evaluation.run_dev_answers import main as run_dev

        try:
            typer.echo(_run(lambda: run_dev(dataset, generator, corpus, limit, str(out) if out else None, as_json)))
        except (DevSetError, FileNotFoundError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--dataset") from None
        return
    from qa.evaluation.run_answers import main as run

    typer.echo(_run(lambda: run(dataset, generator, split, answerable, unanswerable)))


@eval_app.command("documents")
def eval_documents(
    folder: Annotated[Path, typer.Option("--folder", help="Documents to ingest (PDF, HTML, ...).")],
    questions: Annotated[Path, typer.Option("--questions", help="JSON lines: question, doc, answer (words the quote should hold).")],
    generator: Annotated[str, typer.Option("--generator", "-g", help="extractive, local or openai.")] = "extractive",
    keep_store: Annotated[Optional[str], typer.Option("--store", help="Store folder to use (default: a fresh temporary one).")] = None,
):
    """Share of cited quotes that are fragments, and of PDF citations with the right page, on your documents."""
    from qa.evaluation.documents import main as run

    typer.echo(_run(lambda: run(folder, questions, generator, keep_store=keep_store)))
