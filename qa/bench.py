"""`qa bench`: speed and scale of this machine in one run, as a readable report.

    from qa.bench import main
    print(main([1000, 10000, 100000]))

Sections (all by default; choose with ``sections``):

- ``ingest``: ingestion throughput (chunks/s) with the configured model against raw ``SentenceTransformer.encode``
  of all-MiniLM-L6-v2 (the reference, whatever the configured model) on the same texts; each model's own rate (the corpus in parts, each part ingested and raw-encoded back to back, alternating which goes first),
  a cold ingestion in a child process (its peak memory), and the re-ingestion time of unchanged corpora (demo
  corpus + SQuAD 2.0 dev passages; the demo corpus alone);
- ``latency``: query latency p50/p95 of retrieval alone (dense), the default ``qa.api.search``, retrieval with
  reranking, and a full extractive answer, on the real corpus and on synthetic collections of ``sizes`` chunks
  (synthetic text with hashed-word vectors, cached under ``$QA_CACHE/bench``; questions use the real model), and on
  collections of real English text of ``real_sizes`` chunks (SQuAD dev passages among installed documentation, embedded
  by the model: qa.benchmarks.real_text) asked real SQuAD questions;
- ``ui``: peak memory of a running UI answering a few questions through its /ask API;
- ``growth``: how the whole ingestion's time (everything but the model) grows over synthetic collections of ``sizes``
  chunks;
- ``startup``: wall time of ``qa --help``, ``qa ask`` and ``qa search`` in fresh processes, and of ``qa ingest`` on
  the unchanged demo corpus.

Other processes may share the CPU: the load average is printed with every measurement, and the ingestion/raw
comparison is interleaved so that both see the same conditions.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from qa.benchmarks.stats import load_average

SECTIONS = ("ingest", "latency", "ui", "startup", "growth")
DEFAULT_SIZES = (1000, 10000, 100000)
DEFAULT_REAL_SIZES = (10000,)  # real-text collections (qa.benchmarks.real_text): their sources hold about 10-12k chunks
MODEL_SAMPLE = 200  # chunk texts each model embeds alone, for the per-model rates
UI_QUESTIONS = ("How many fentanyl-linked deaths were estimated in 2024?", "How many people died from fentanyl in the US in 2022?",
                "Which precursor chemicals did China restrict?", "What did Biden and Xi agree on fentanyl?",
                "Who won the 2022 World Cup?")


def parse_sizes(text: str) -> list[int]:
    """'1000,10k,0.1m' -> [1000, 10000, 100000]; an empty string -> [] (no synthetic collections)."""
    sizes = []
    for part in (p.strip().lower().replace("_", "") for p in text.split(",")):
        if not part:
            continue
        scale = {"k": 1000, "m": 1_000_000}.get(part[-1], 1)
        try:
            value = float(part[:-1] if scale > 1 else part) * scale
        except ValueError:
            raise ValueError(f"not a collection size: {part!r} (use e.g. 1000,10k,100k)") from None
        if value < 10 or value != int(value):
            raise ValueError(f"a collection size must be a whole number of at least 10 chunks, got {part!r}")
        sizes.append(int(value))
    return sizes


def parse_sections(text: str | None) -> tuple[str, ...]:
    """'ingest, latency' -> ('ingest', 'latency'); None or '' -> every section."""
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in (text or "").split(",") if p.strip()))
    unknown = [p for p in chosen if p not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown bench section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    return chosen or SECTIONS


def cache_dir() -> Path:
    """$QA_CACHE/bench (default ~/.cache/qa/bench): synthetic collections are kept here between runs."""
    return Path(os.environ.get("QA_CACHE", Path.home() / ".cache" / "qa")) / "bench"


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')} load {load_average()[0]:.1f}] {message}", file=sys.stderr, flush=True)


def run(sizes: Sequence[int] = DEFAULT_SIZES, *, real_sizes: Sequence[int] = DEFAULT_REAL_SIZES, queries: int = 30, answers: int = 10, parts: int = 6, squad_limit: int | None = None,
        sections: Sequence[str] = SECTIONS, cache: Path | None = None, workdir: Path | None = None, keep: bool = False,
        repeats: int = 3, json_path: Path | None = None, progress: bool = True) -> dict:
    """Measure; returns every figure as a dict (``format_report`` turns it into text).  The dict is also saved as
    JSON to ``json_path`` and to ``<cache>/last-run.json``."""
    import qa.settings  # noqa: F401  (offline and no-telemetry defaults before anything heavy loads)
    from qa.benchmarks import ingest as ing
    from qa.settings import get_settings

    sections = parse_sections(",".join(sections))
    say = _say if progress else (lambda _m: None)
    cache = Path(cache) if cache else cache_dir()
    own_workdir = workdir is None
    workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="qa-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    s = get_settings()
    res: dict = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "load_start": load_average(), "sections": list(sections),
                 "sizes": list(sizes), "real_sizes": list(real_sizes), "cpus": os.cpu_count(), "python": platform.python_version(), "model": s.embedding_model,
                 "workdir": str(workdir), "cache": str(cache),
                 "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"), "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset")}
    parts_count = parts
    t0 = time.perf_counter()
    try:
        real_store, real_collection, real_paths = None, "bench", None
        if "ingest" in sections:
            paths, desc = ing.ingestion_corpus(workdir, squad_limit)
            res["corpus"] = desc
            say(f"cold ingestion in a child process: {desc}")
            res["ingest_child"] = _child_ingest(paths, workdir)
            texts = ing.embedded_texts(workdir / "ingest-child", "bench")
            pieces = ing.slices(paths, texts, workdir, parts_count)
            say(f"{sum(len(t) for t in texts.values())} chunk texts in {len(pieces)} parts; alternating raw encode and ingestion")
            res["throughput"] = ing.throughput(pieces, workdir / "ingest-1", "bench", progress=say)
            sample = [t for _, part_texts in pieces for t in part_texts][:MODEL_SAMPLE]
            say(f"each model alone on {len(sample)} of these texts")
            res["models"] = ing.model_rates(sample, progress=say)
            ingested = [p for part_paths, _ in pieces for p in part_paths]  # the files that store was built from
            res["reingest_corpus"] = ing.reingest(ingested, workdir / "ingest-1", "bench")
            real_store, real_paths = workdir / "ingest-1", ingested
        demo, demo_collection = None, "bench-demo"
        if {"ingest", "ui", "startup", "latency"} & set(sections):  # latency alone times the demo store as its real corpus
            say("demo corpus into a fresh store")
            demo, demo_collection, res["demo_store"] = ing.demo_store(workdir, demo_collection)
            res["reingest_demo"] = ing.reingest([ing.DEMO_CORPUS], demo, demo_collection)
        if "latency" in sections:
            res["latency"] = _latency(sizes, cache, real_store or demo, real_collection if real_store else demo_collection,
                                      real_paths, queries, answers, say, workdir, real_sizes)
        if "growth" in sections:
            say(f"ingestion growth over {', '.join(f'{n:,}' for n in sizes)} synthetic chunks")
            res["growth"] = ing.ingestion_growth(list(sizes), workdir, progress=say)
        if "ui" in sections:
            say("UI in a child process")
            from qa.benchmarks.process import ui_memory

            try:
                res["ui"] = ui_memory(demo, demo_collection, list(UI_QUESTIONS))
            except Exception as exc:  # e.g. the UI extra is not installed
                res["ui"] = {"error": f"{type(exc).__name__}: {exc}"}
        if "startup" in sections:
            res["startup"] = _startup(demo, demo_collection, say, repeats)
    finally:
        res["seconds"] = time.perf_counter() - t0
        if "torch" in sys.modules:
            res["torch_threads"] = sys.modules["torch"].get_num_threads()
        res["load_end"] = load_average()
        if own_workdir and not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    for target in ([cache / "last-run.json"] + ([Path(json_path)] if json_path else [])):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(res, indent=1, default=str))
        except OSError as exc:
            _say(f"could not write {target}: {exc}")
    return res


def _child_ingest(paths: list[Path], workdir: Path) -> dict:
    from qa.benchmarks.process import ingest_in_child

    return ingest_in_child(paths, workdir / "ingest-child", "bench")


def _latency(sizes, cache: Path, real_store: Path, real_collection: str, real_paths, queries: int, answers: int, say, workdir: Path,
             real_sizes: Sequence[int] = ()) -> list[dict]:
    from qa.benchmarks import ingest as ing
    from qa.benchmarks.latency import query_latency
    from qa.benchmarks.synthetic import synthetic_index
    from qa.settings import get_settings

    rows = []
    pids = ing.squad_pids(real_paths) if real_paths else set()
    questions = ing.real_questions(queries, pids) if real_paths else [{"question": q, "answers": []} for q in UI_QUESTIONS]
    say(f"latency on the real corpus ({real_collection})")
    row = query_latency(real_store, real_collection, questions, queries=queries, answers=answers, progress=say)
    rows.append({**row, "label": "real corpus", "vectors": "model"})
    for n in sizes:
        say(f"synthetic collection of {n:,} chunks (cached under {cache})")
        idx = synthetic_index(cache, n, get_settings().embedding_model, progress=say)
        qs = [{"question": q["question"], "answers": [q["answer"]]} for q in idx.questions]
        row = query_latency(idx.path, idx.collection, qs, queries=queries, answers=answers, progress=say)
        rows.append({**row, "label": f"synthetic {n:,}", "vectors": "hashed", "build_seconds": idx.build_seconds, "reused": idx.reused})
    for n in real_sizes:
        from qa.benchmarks.real_text import real_text_index

        say(f"real-text collection of {n:,} chunks (cached under {cache}; the first build embeds every chunk)")
        idx = real_text_index(cache, n, get_settings().embedding_model, progress=say)
        row = query_latency(idx.path, idx.collection, idx.questions, queries=queries, answers=answers, progress=say)
        rows.append({**row, "label": f"real text {n:,}", "vectors": "model", "real_text": True, "asked_chunks": n,
                     "build_seconds": idx.build_seconds, "reused": idx.reused})
    return rows


def _startup(demo: Path, collection: str, say, repeats: int = 3) -> dict:
    from qa.benchmarks.ingest import DEMO_CORPUS, FENTANYL_QUESTION
    from qa.benchmarks.process import time_command

    where = ["--store", str(demo), "--collection", collection]
    out = {}
    say("start-up: qa --help")
    out["help"] = time_command(["--help"], repeats=repeats)
    say("start-up: qa ask")
    out["ask"] = time_command(["ask", FENTANYL_QUESTION, *where], repeats=repeats)
    out["ask"]["correct"] = "48,422" in out["ask"]["stdout"]
    say("start-up: qa search, qa ingest (unchanged)")
    out["search"] = time_command(["search", FENTANYL_QUESTION, "-k", "3", *where], repeats=1)
    out["ingest"] = time_command(["ingest", str(DEMO_CORPUS), *where, "--json"], repeats=1)
    try:
        out["ingest"]["chunks_embedded"] = json.loads(out["ingest"]["stdout"])["chunks_embedded"]
    except (ValueError, KeyError):
        out["ingest"]["chunks_embedded"] = None
    return out


def main(sizes: Sequence[int] | None = None, *, real_sizes: Sequence[int] | None = None, queries: int = 30, answers: int = 10, parts: int = 6, squad_limit: int | None = None,
         sections: Sequence[str] = SECTIONS, cache: Path | None = None, workdir: Path | None = None, keep: bool = False,
         repeats: int = 3, json_path: Path | None = None, progress: bool = True) -> str:
    """Run the benchmark and return its report (progress goes to stderr).

    ``sizes``: synthetic collection sizes for the store-scaling part (default 1k, 10k, 100k; the 100k build takes a
    few minutes the first time, then it is reused from the cache); ``real_sizes``: real-text collections (default 10k;
    built once with the real model, several minutes); ``queries`` questions are timed per collection,
    the first ``answers`` of them also answered; the ingestion corpus is cut into ``parts``, each ingested and
    raw-encoded back to back (alternating which goes first); ``squad_limit`` ingests only the first N SQuAD passages; ``sections``: any of SECTIONS; ``repeats``: runs of each start-up
    command; ``workdir``/``keep``: where the temporary stores go and whether they are kept."""
    from qa.benchmarks.report import format_report

    res = run(list(sizes) if sizes is not None else DEFAULT_SIZES, real_sizes=list(real_sizes) if real_sizes is not None else DEFAULT_REAL_SIZES, queries=queries, answers=answers, parts=parts, squad_limit=squad_limit,
              sections=sections, cache=cache, workdir=workdir, keep=keep, repeats=repeats, json_path=json_path, progress=progress)
    return format_report(res)

