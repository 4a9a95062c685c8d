"""The `qa` command: ingest, search, ask, documents, remove, chat, serve, bench, doctor (`qa eval` is qa.cli_eval).  Heavy
libraries load only inside commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from qa.cli_common import CollectionOpt, DocOpt, JsonOpt, StoreOpt, _run
from qa.cli_eval import eval_app

app = typer.Typer(help="Question answering over your documents, with citations.", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (.txt .md .html .pdf .jsonl).")],
    prune: Annotated[bool, typer.Option("--prune", help="Remove documents whose files are gone from these folders.")] = False,
    store: StoreOpt = None,
    collection: CollectionOpt = None,
    as_json: JsonOpt = False,
):
    """Add documents to the collection (unchanged ones are skipped, changed ones replaced)."""
    import qa

    report = _run(lambda: qa.ingest(paths, store=store, collection=collection, prune=prune, show_progress=not as_json))
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    typer.echo(
        f"added {len(report.added)}, replaced {len(report.replaced)}, skipped {len(report.skipped)} unchanged, removed {len(report.removed)} "
        f"document(s); {report.chunks_added} chunks written, {report.chunks_embedded} embedded, {report.chunks_removed} removed in {report.seconds:.1f}s"
    )
    for problem in report.failed:
        typer.secho(f"skipped {problem.path}: {problem.reason}", fg="yellow", err=True)
    for warning in report.warnings:
        typer.secho(f"warning: {warning.reason}", fg="yellow", err=True)


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", help="How many passages.")] = 5,
    doc: DocOpt = None,
    store: StoreOpt = None,
    collection: CollectionOpt = None,
    as_json: JsonOpt = False,
):
    """Show the passages that best match a question."""
    import qa

    passages = _run(lambda: qa.search(question, k, documents=doc, store=store, collection=collection))
    if as_json:
        typer.echo(json.dumps([p.model_dump() for p in passages], indent=2, ensure_ascii=False))
        return
    for i, p in enumerate(passages, start=1):
        typer.secho(f"[{i}] {p.title}{_where(p.page, p.heading)} ({p.chunk_id}, score {p.score:.3f})", bold=True)
        typer.echo(f"    {p.text}\n")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question.")],
    k: Annotated[Optional[int], typer.Option("-k", help="Passages to answer from [default: QA_TOP_K or 5].")] = None,
    generator: Annotated[Optional[str], typer.Option("--generator", "-g", help="extractive (default), local or openai.")] = None,
    doc: DocOpt = None,
    store: StoreOpt = None,
    collection: CollectionOpt = None,
    as_json: JsonOpt = False,
):
    """Answer a question from the documents, with numbered sources."""
    import qa

    answer = _run(lambda: qa.ask(question, k=k, generator=generator, documents=doc, store=store, collection=collection))
    if as_json:
        from qa.structure import answer_structure

        typer.echo(json.dumps({**answer.model_dump(mode="json"), "structure": answer_structure(answer)}, indent=2, ensure_ascii=False))
        return
    typer.secho(f"({answer.kind} question)", dim=True)
    if answer.notice:
        typer.secho(answer.notice, fg="yellow", err=True)
    if answer.standalone_question:
        typer.secho(f"(answered as: {answer.standalone_question})", dim=True)
    typer.echo(answer.text)
    for sentence in answer.unverified:
        typer.secho(f"  ! not supported by any retrieved passage: {sentence}", fg="yellow")
    if answer.citations:
        typer.echo("\nSources:")
    for c in answer.citations:
        typer.echo(f"  [{c.n}] {c.title}{_where(c.page, c.heading)} ({c.chunk_id}, characters {c.quote_start}-{c.quote_end})\n      \"{c.quote}\"")


def _where(page: int | None, heading: str) -> str:
    """', p. 3, § Install › Linux': where a source is, for people; '' when neither is known."""
    parts = ([f"p. {page}"] if page is not None else []) + ([f"§ {heading}"] if heading else [])
    return "".join(f", {part}" for part in parts)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="A file to read as ingestion would (nothing is stored).")],
    width: Annotated[int, typer.Option("--width", help="Characters of each block and chunk shown.")] = 100,
    as_json: JsonOpt = False,
):
    """Show what ingestion makes of a file: its blocks (kind, page, heading path), then its chunks."""
    from qa.inspection import inspect_file

    report = _run(lambda: inspect_file(file))
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for problem in report["problems"]:
        typer.secho(f"problem: {problem}", fg="red", err=True)
    for warning in report["warnings"]:
        typer.secho(f"warning: {warning}", fg="yellow", err=True)
    for doc in report["documents"]:
        typer.secho(f"{doc['doc_id']}: {doc['title']} ({len(doc['blocks'])} blocks, {len(doc['chunks'])} chunks)", bold=True)
        for b in doc["blocks"]:
            page = f"p.{b['page']}" if b["page"] is not None else "-"
            typer.echo(f"  {b['kind']:<10} {page:<6} {' › '.join(b['heading_path'])[-50:]:<50} | {_clip(b['text'], width)}")
        typer.secho("chunks:", bold=True)
        for c in doc["chunks"]:
            page = f"p.{c['page']}" if c["page"] is not None else "-"
            typer.echo(f"  {c['chunk_id']:<24} {page:<6} {c['heading'][-50:]:<50} | {_clip(c['text'], width)}")


def _clip(text: str, width: int) -> str:
    flat = " ⏎ ".join(text.splitlines())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@app.command()
def documents(store: StoreOpt = None, collection: CollectionOpt = None, as_json: JsonOpt = False):
    """List the documents in the collection."""
    import qa

    docs = _run(lambda: qa.list_documents(store=store, collection=collection))
    if as_json:
        typer.echo(json.dumps([d.model_dump() for d in docs], indent=2, ensure_ascii=False))
        return
    for d in docs:
        typer.echo(f"{d.doc_id}\t{d.chunks} chunks\t{d.title}")
    typer.echo(f"{len(docs)} document(s)")


@app.command()
def remove(doc_ids: Annotated[list[str], typer.Argument(help="Ids as shown by `qa documents`.")], store: StoreOpt = None, collection: CollectionOpt = None):
    """Remove documents from the collection."""
    import qa

    removed = _run(lambda: qa.remove_documents(doc_ids, store=store, collection=collection))
    typer.echo(f"removed {len(doc_ids)} document(s), {removed} chunks")


@app.command()
def chat(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (127.0.0.1 keeps it on this machine).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port of the web page.")] = 7860,
    generator: Annotated[Optional[str], typer.Option("--generator", "-g", help="Default generator in the page.")] = None,
    k: Annotated[Optional[int], typer.Option("-k", help="Default number of passages.")] = None,
    store: StoreOpt = None,
    collection: CollectionOpt = None,
):
    """Open the chat in the browser (http://HOST:PORT) over the collection."""
    try:
        from ui.app import launch
    except ImportError as exc:
        typer.secho(f"Error: the chat needs the UI extra: pip install -e '.[ui]' ({exc})", fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Chat on http://{host}:{port} (Ctrl+C to stop)")
    _run(lambda: launch(host=host, port=port, store=store, collection=collection, generator=generator, k=k))


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (beyond 127.0.0.1 it needs QA_API_KEYS).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port of the API.")] = 8000,
    store: StoreOpt = None,
):
    """Serve an OpenAI-compatible API (http://HOST:PORT/v1): chat completions with citations, search, documents, ingest."""
    try:
        from qa.server import serve as run_server
    except ImportError as exc:
        typer.secho(f"Error: the API needs the api extra: pip install -e '.[api]' ({exc})", fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"OpenAI-compatible API on http://{host}:{port}/v1 (models: GET /v1/models; Ctrl+C to stop)", err=True)
    _run(lambda: run_server(host=host, port=port, store=store))


@app.command()
def mcp(store: StoreOpt = None, collection: CollectionOpt = None):
    """Serve the tools search, ask and list_documents to an MCP client over stdio (for assistants)."""
    try:
        from qa.mcp_server import run as run_mcp
    except ImportError as exc:
        typer.secho(f"Error: the MCP server needs the api extra: pip install -e '.[api]' ({exc})", fg="red", err=True)
        raise typer.Exit(2) from None
    _run(lambda: run_mcp(store=store, collection=collection))


@app.command()
def bench(
    sizes: Annotated[str, typer.Option("--sizes", help="Synthetic collection sizes for the store-scaling part, e.g. 1000,10k,100k ('' for none).")] = "1000,10000,100000",
    real_sizes: Annotated[str, typer.Option("--real-sizes", help="Real-text collection sizes (SQuAD passages among installed documentation, built once with the model; '' for none).")] = "10000",
    queries: Annotated[int, typer.Option("--queries", help="Questions timed per collection.")] = 30,
    answers: Annotated[int, typer.Option("--answers", help="How many of them are also answered (extractive).")] = 10,
    parts: Annotated[int, typer.Option("--parts", help="Parts the ingestion corpus is cut into, each ingested and raw-encoded back to back.")] = 6,
    squad_limit: Annotated[Optional[int], typer.Option("--squad-limit", help="Ingest only the first N SQuAD passages (quicker).")] = None,
    only: Annotated[Optional[str], typer.Option("--only", help="Comma-separated sections: ingest, latency, ui, startup [default: all].")] = None,
    repeats: Annotated[int, typer.Option("--repeats", help="Runs of each start-up command (the median is reported).")] = 3,
    json_path: Annotated[Optional[Path], typer.Option("--json", help="Also write every figure to this JSON file.")] = None,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the temporary stores.")] = False,
):
    """Measure this machine: ingestion vs the raw model, re-ingestion, query latency at 1k-100k chunks, memory, start-up."""
    from qa.bench import main as run_bench, parse_sections, parse_sizes

    try:
        chosen_sizes, chosen_real, sections = parse_sizes(sizes), parse_sizes(real_sizes), parse_sections(only)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(_run(lambda: run_bench(chosen_sizes, real_sizes=chosen_real, queries=queries, answers=answers, parts=parts, squad_limit=squad_limit,
                                      sections=sections, repeats=repeats, json_path=json_path, keep=keep)))


app.add_typer(eval_app, name="eval")


def main() -> None:
    app()


@app.command()
def doctor(
    repair: Annotated[bool, typer.Option("--repair", help="Repair what is found, from the stored chunks (no file is read again).")] = False,
    store: StoreOpt = None,
    collection: CollectionOpt = None,
    as_json: JsonOpt = False,
):
    """Check the store against its document records and its BM25 index; with --repair, fix what is found."""
    from qa import api
    from qa import doctor as checks

    def run():
        st = api._store(store, collection)
        return checks.repair(st, api._LazyEmbedder(st.embedding_model)) if repair else checks.check(st)

    report = _run(run)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    else:
        typer.echo(f"{report.location}, collection {report.collection!r}: {report.documents} document(s), {report.chunks} chunks")
        for line in report.repaired:
            typer.secho(f"repaired: {line}", fg="green")
        for f in report.findings:
            typer.secho(f"problem: {f.detail}{': ' + ', '.join(f.doc_ids[:10]) if f.doc_ids else ''}. Fix: {f.fix}", fg="yellow")
        if report.healthy:
            typer.echo("no problem found")
        elif not repair:
            typer.echo("run `qa doctor --repair` to fix these")
    if not report.healthy:
        raise typer.Exit(1)


if __name__ == "__main__":
    sys.exit(main())
