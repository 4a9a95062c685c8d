"""Ingestion throughput against the raw model on the same texts, and re-ingestion of an unchanged corpus."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from qa.benchmarks.stats import load_average
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


def embedded_texts(store_path: Path, collection: str) -> dict[str, list[str]]:
    """doc_id -> what ingestion gave the model for each chunk of it (``qa.ingestion.embedding_text``), in order;
    read back from a freshly built collection, where every chunk was embedded."""
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
    out: dict[str, list[str]] = {}
    for c in chunks:
        out.setdefault(c.doc_id, []).append(embedding_text(c))
    return out


def slices(paths: list[Path], texts: dict[str, list[str]], workdir: Path, count: int) -> list[tuple[list[Path], list[str]]]:
    """Split the corpus into ``count`` parts (the .jsonl records into consecutive part files in ``workdir``; the
    folders go with the first part), each with the texts ingestion embeds for it."""
    folders = [p for p in paths if p.suffix != ".jsonl"]
    records = [line for p in paths if p.suffix == ".jsonl" for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    count = max(1, min(count, len(records) or 1))
    parts: list[tuple[list[Path], list[str]]] = []
    in_records: set[str] = set()
    for i in range(count):
        lines = records[i * len(records) // count:(i + 1) * len(records) // count]
        part_paths = list(folders) if i == 0 else []
        ids = [json.loads(line).get("id") or json.loads(line).get("pid") for line in lines]
        in_records.update(ids)
        if lines:
            part = workdir / "parts" / f"part-{i:02d}.jsonl"
            part.parent.mkdir(parents=True, exist_ok=True)
            part.write_text("\n".join(lines) + "\n", encoding="utf-8")
            part_paths.append(part)
        parts.append((part_paths, [t for d in ids for t in texts.get(d, [])]))
    folder_texts = [t for d, ts in texts.items() if d not in in_records for t in ts]
    parts[0] = (parts[0][0], folder_texts + parts[0][1])
    return parts


REFERENCE_MODEL = "all-MiniLM-L6-v2"  # the yardstick: raw sentence-transformers encode of this model, whatever ingestion uses
COMPARED_MODELS = ("bge-small-en-v1.5", "all-MiniLM-L6-v2", "all-mpnet-base-v2")


def raw_model():
    """A plain SentenceTransformer of the reference model (all-MiniLM-L6-v2), loaded from its package, its own instance."""
    from sentence_transformers import SentenceTransformer

    from qa.embedding import MODELS

    return SentenceTransformer(str(MODELS[REFERENCE_MODEL]()), device="cpu", local_files_only=True)


def time_raw(model, texts: list[str], batch_size: int, threads: int | None = None) -> dict:
    """One encode call over all the texts.  torch's thread count is process-wide and qa.embedding changes it for small
    batches, so it is set explicitly to what ingestion uses for big ones."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    load = load_average()[0]
    started = time.perf_counter()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    seconds = time.perf_counter() - started
    return {"kind": "raw encode", "texts": len(texts), "seconds": seconds, "rate": len(texts) / seconds, "load": load,
            "threads": torch.get_num_threads()}


def raw_backend(embedder):
    """A second instance of the ONNX backend ingestion runs on (None when it runs on PyTorch)."""
    from qa.embedding import get_embedder
    from qa.onnx_embedding import OnnxEmbedder

    embedder = getattr(embedder, "inner", embedder)  # the model behind the API's scheduler (qa.scheduling)
    if not isinstance(embedder, OnnxEmbedder):
        return None
    return get_embedder.__wrapped__(embedder.name, embedder.batch_size, "onnx")  # uncached: a new instance


def model_rates(texts: list[str], models=COMPARED_MODELS, progress: Callable[[str], None] | None = None) -> list[dict]:
    """Each model's own embedding rate (texts/s) on the same texts, one after another (ONNX backend, as ingestion runs them)."""
    from qa.embedding import get_embedder

    s = get_settings()
    rows = []
    for name in models:
        try:
            model = get_embedder.__wrapped__(name, s.embedding_batch_size, s.embedding_backend)
        except Exception as exc:  # e.g. a model's package is not installed
            rows.append({"model": name, "error": f"{type(exc).__name__}: {exc}"})
            continue
        model.embed_batch(texts[:8])  # warm
        row = time_backend(model, texts)
        rows.append({"model": name, **row})
        (progress or (lambda _m: None))(f"{name}: {row['rate']:.1f} texts/s")
        del model
    return rows


def ingestion_growth(sizes: list[int], workdir: Path, progress: Callable[[str], None] | None = None) -> list[dict]:
    """How the whole ingestion's time grows with the collection: synthetic documents of ``sizes`` chunks in all (.jsonl),
    ingested into fresh stores with a hashed-word embedder (so the model's time, which is linear, is left out and
    everything else ingestion does is measured: reading, cleaning, chunking, the store, the lexical index)."""
    from qa.benchmarks.synthetic import HashEmbedder, SyntheticCorpus
    from qa.ingestion import Ingestion
    from qa.store import ChromaStore

    s = get_settings()
    rows = []
    for n in sizes:
        folder = workdir / f"growth-{n}"
        folder.mkdir(parents=True, exist_ok=True)
        records = folder / "docs.jsonl"
        with records.open("w", encoding="utf-8") as out:
            for chunks, _ in SyntheticCorpus(seed=n).chunks(n):
                text = "\n\n".join(c.text for c in chunks)
                out.write(json.dumps({"id": chunks[0].doc_id, "title": chunks[0].title, "text": text}) + "\n")
        store = ChromaStore("growth", s.embedding_model, path=folder / "store")
        embedder = HashEmbedder()
        embedder.fit_center(["warm up text"])
        load = load_average()[0]
        started = time.perf_counter()
        report = Ingestion(store, embedder, chunk_chars=s.chunk_chars, overlap=s.chunk_overlap_sentences).run([records])
        seconds = time.perf_counter() - started
        rows.append({"target_chunks": n, "chunks": report.chunks_added, "seconds": seconds,
                     "rate": report.chunks_added / seconds if seconds else 0.0, "load": load})
        (progress or (lambda _m: None))(f"growth {n:,}: {report.chunks_added} chunks in {seconds:.1f}s without the model")
    return rows


def time_backend(backend, texts: list[str]) -> dict:
    """One embed_batch call of the backend alone over all the texts."""
    load = load_average()[0]
    started = time.perf_counter()
    backend.embed_batch(texts)
    seconds = time.perf_counter() - started
    return {"kind": "raw backend", "texts": len(texts), "seconds": seconds, "rate": len(texts) / seconds, "load": load}


def time_ingest(paths: list[Path], store: Path, collection: str) -> dict:
    from qa import api

    load = load_average()[0]
    started = time.perf_counter()
    report = api.ingest(paths, store=store, collection=collection)
    seconds = time.perf_counter() - started
    return {"kind": "qa.api.ingest", "texts": report.chunks_embedded, "chunks_added": report.chunks_added, "seconds": seconds,
            "rate": report.chunks_embedded / seconds if seconds else 0.0, "load": load, "failed": len(report.failed),
            "report_seconds": report.seconds}


def throughput(parts: list[tuple[list[Path], list[str]]], store: Path, collection: str,
               progress: Callable[[str], None] | None = None) -> dict:
    """Ingest the corpus part by part into one store, and encode each part's texts with the raw model just before
    or just after it (alternately: raw-ingest, ingest-raw, ...), so that both see the same load even when other
    processes come and go.  Throughput is the total chunks over the total seconds of each.  When ingestion runs on
    ONNX Runtime, the backend alone (a second instance) is also timed on each part, next to the ingestion."""
    from qa import api

    import torch

    say = progress or (lambda _m: None)
    batch = get_settings().embedding_batch_size
    threads = torch.get_num_threads()  # before qa.embedding may lower it for small batches
    embedder = api._embedder(get_settings().embedding_model)
    threads = getattr(embedder, "_threads", None) or threads
    model, backend = raw_model(), raw_backend(embedder)
    warm = parts[0][1][:batch]
    model.encode(warm, batch_size=batch)  # warm all: first calls allocate
    embedder.embed_batch(warm)
    if backend is not None:
        backend.embed_batch(warm)
    rows = []
    for i, (paths, texts) in enumerate(parts):
        if i % 2 == 0:
            raw = time_raw(model, texts, batch, threads)
            ing = time_ingest(paths, store, collection)
            alone = time_backend(backend, texts) if backend is not None else None
        else:
            alone = time_backend(backend, texts) if backend is not None else None
            ing = time_ingest(paths, store, collection)
            raw = time_raw(model, texts, batch, threads)
        rows.append({"part": i + 1, "order": "raw, ingest" if i % 2 == 0 else "ingest, raw", "texts": len(texts), "raw": raw, "ingest": ing,
                     "ratio": (ing["rate"] / raw["rate"]) if raw["rate"] else float("nan"), "backend": alone})
        say(f"part {i + 1}/{len(parts)}: raw {raw['rate']:.1f} texts/s, ingestion {ing['rate']:.1f} chunks/s"
            + (f", backend alone {alone['rate']:.1f} texts/s" if alone else ""))
    del model, backend
    raw_n, raw_s = sum(r["raw"]["texts"] for r in rows), sum(r["raw"]["seconds"] for r in rows)
    ing_n, ing_s = sum(r["ingest"]["texts"] for r in rows), sum(r["ingest"]["seconds"] for r in rows)
    raw_rate, ingest_rate = raw_n / raw_s, ing_n / ing_s
    alone = [r["backend"] for r in rows if r["backend"]]
    backend_rate = sum(a["texts"] for a in alone) / sum(a["seconds"] for a in alone) if alone else None
    return {"parts": rows, "batch_size": batch, "texts": raw_n, "threads": threads, "raw_seconds": raw_s, "ingest_seconds": ing_s,
            "raw_rate": raw_rate, "ingest_rate": ingest_rate, "ratio": ingest_rate / raw_rate, "backend": type(getattr(embedder, "inner", embedder)).__name__,
            "backend_rate": backend_rate, "backend_ratio": ingest_rate / backend_rate if backend_rate else None,
            "same_count": all(r["raw"]["texts"] == r["ingest"]["texts"] for r in rows)}


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
