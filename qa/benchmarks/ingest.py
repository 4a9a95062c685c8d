"""Ingestion throughput against the raw model on the same texts, and re-ingestion of an unchanged corpus."""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from qa.benchmarks.stats import load_average, median
from qa.settings import PROJECT_ROOT, get_settings

DEMO_CORPUS = PROJECT_ROOT / "corpus"
FENTANYL_QUESTION = "How many fentanyl-linked deaths were estimated in 2024?"


def eval_dir() -> Path:
    """The shared evaluation sets: $QA_EVAL_DIR, else ../shared/eval next to the project (read where they are)."""
    return Path(os.environ.get("QA_EVAL_DIR", PROJECT_ROOT.parent / "shared" / "eval"))


def squad_passages() -> Path:
    return eval_dir() / "squad2-dev" / "passages.jsonl"


def ingestion_corpus(workdir: Path, squad_limit: int | None = None) -> tuple[list[Path], str]:
    """The corpus the throughput is measured on: the demo articles plus the SQuAD 2.0 dev passages (all of them, or
    the first ``squad_limit``, written to a temporary file in ``workdir``).  Returns (paths, description)."""
    paths = [DEMO_CORPUS]
    squad = squad_passages()
    if not squad.exists():
        return paths, f"demo corpus ({DEMO_CORPUS}); SQuAD passages not found at {squad}"
    if squad_limit is None:
        return paths + [squad], f"demo corpus + SQuAD 2.0 dev passages ({squad})"
    part = workdir / "squad-part" / "passages.jsonl"
    part.parent.mkdir(parents=True, exist_ok=True)
    with squad.open(encoding="utf-8") as src, part.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= squad_limit:
                break
            dst.write(line)
    return paths + [part], f"demo corpus + the first {squad_limit} SQuAD 2.0 dev passages"


def embedded_texts(store_path: Path, collection: str) -> list[str]:
    """What ingestion gave the model for every chunk of a freshly built collection (``qa.ingestion.embedding_text``),
    in document order."""
    from qa.ingestion import embedding_text
    from qa.store import ChromaStore
    from qa.types import Chunk

    store = ChromaStore(collection, get_settings().embedding_model, path=store_path, create=False)
    chunks = []
    for page in store._pages(store.chunks, include=["documents", "metadatas"]):
        for cid, text, m in zip(page["ids"], page["documents"], page["metadatas"]):
            chunks.append(Chunk(chunk_id=cid, doc_id=m["doc_id"], title=m["title"], source=m.get("source", ""), index=int(m["index"]),
                                text=text, start=int(m["start"]), end=int(m["end"])))
    chunks.sort(key=lambda c: (c.doc_id, c.index))
    return [embedding_text(c) for c in chunks]


def raw_model():
    """A plain SentenceTransformer of the configured model, loaded the same way qa.embedding loads it, but its own instance."""
    from sentence_transformers import SentenceTransformer

    from qa.embedding import MODELS

    module = importlib.import_module(MODELS[get_settings().embedding_model][0])
    return SentenceTransformer(str(module.get_model_path()), device="cpu", local_files_only=True)


def time_raw(model, texts: list[str], batch_size: int) -> dict:
    load = load_average()[0]
    started = time.perf_counter()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    seconds = time.perf_counter() - started
    return {"kind": "raw encode", "texts": len(texts), "seconds": seconds, "rate": len(texts) / seconds, "load": load}


def time_ingest(paths: list[Path], store: Path, collection: str) -> dict:
    from qa import api

    load = load_average()[0]
    started = time.perf_counter()
    report = api.ingest(paths, store=store, collection=collection)
    seconds = time.perf_counter() - started
    return {"kind": "qa.api.ingest", "texts": report.chunks_embedded, "chunks_added": report.chunks_added, "seconds": seconds,
            "rate": report.chunks_embedded / seconds if seconds else 0.0, "load": load, "failed": len(report.failed),
            "report_seconds": report.seconds}


def throughput(paths: list[Path], texts: list[str], workdir: Path, collection: str, rounds: int = 1,
               progress: Callable[[str], None] | None = None) -> dict:
    """Alternate raw encodes and ingestions into fresh stores: raw, ingest, raw[, ingest, raw ...].

    The machine may be shared, so each ingestion is compared with the raw runs on either side of it."""
    from qa import api

    say = progress or (lambda _m: None)
    batch = get_settings().embedding_batch_size
    model = raw_model()
    model.encode(texts[:batch], batch_size=batch)  # warm both: first calls allocate
    api._embedder().embed_batch(texts[:batch])
    runs = [time_raw(model, texts, batch)]
    say(f"raw encode: {runs[-1]['rate']:.1f} texts/s")
    for r in range(rounds):
        runs.append(time_ingest(paths, workdir / f"ingest-{r + 1}", collection))
        say(f"ingestion: {runs[-1]['rate']:.1f} chunks/s")
        runs.append(time_raw(model, texts, batch))
        say(f"raw encode: {runs[-1]['rate']:.1f} texts/s")
    del model
    ratios = [runs[i]["rate"] / ((runs[i - 1]["rate"] + runs[i + 1]["rate"]) / 2) for i in range(1, len(runs), 2)]
    ingest_rates = [r["rate"] for r in runs if r["kind"] != "raw encode"]
    raw_rates = [r["rate"] for r in runs if r["kind"] == "raw encode"]
    return {"runs": runs, "batch_size": batch, "texts": len(texts), "ratios": ratios, "ratio": median(ratios),
            "ingest_rate": median(ingest_rates), "raw_rate": median(raw_rates),
            "same_count": all(r["texts"] == len(texts) for r in runs)}


def reingest(paths: list[Path], store: Path, collection: str) -> dict:
    """Ingest again what the store already holds, unchanged: nothing should be embedded."""
    from qa import api

    started = time.perf_counter()
    report = api.ingest(paths, store=store, collection=collection)
    return {"seconds": time.perf_counter() - started, "chunks_embedded": report.chunks_embedded, "skipped": len(report.skipped),
            "added": len(report.added) + len(report.replaced)}


def demo_store(workdir: Path, collection: str = "bench-demo") -> tuple[Path, str, dict]:
    """The demo corpus ingested into a fresh store (for re-ingestion, the UI and start-up measurements)."""
    from qa import api

    store = workdir / "demo-store"
    started = time.perf_counter()
    report = api.ingest([DEMO_CORPUS], store=store, collection=collection)
    info = {"seconds": time.perf_counter() - started, "chunks": report.chunks_added, "documents": len(report.added) + len(report.skipped)}
    return store, collection, info


def real_questions(limit: int, pids: set[str] | None = None) -> list[dict]:
    """Questions about the ingestion corpus: the demo question, then answerable SQuAD dev questions about the passages
    ingested (``pids``; all when None), evenly spread over the file."""
    out = [{"question": FENTANYL_QUESTION, "answers": ["48,422"]}]
    path = eval_dir() / "squad2-dev" / "questions.jsonl"
    if not path.exists() or limit <= 1:
        return out[:limit]
    pool = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            if q.get("answerable", True) and q.get("answers") and (pids is None or q.get("gold_pid") in pids):
                pool.append({"question": q["question"], "answers": list(dict.fromkeys(q["answers"]))})
    step = max(1, len(pool) // (limit - 1))
    return (out + pool[::step])[:limit]


def squad_pids(paths: list[Path]) -> set[str]:
    """Ids of the SQuAD passages among these paths."""
    pids: set[str] = set()
    for p in paths:
        if p.suffix == ".jsonl":
            with p.open(encoding="utf-8") as fh:
                pids.update(json.loads(line).get("pid", "") for line in fh if line.strip())
    return pids
