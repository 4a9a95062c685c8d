"""Questions answered while a large document is being ingested: latency p50/p95 of full answers (``qa.api.ask``)
asked one after another while another thread ingests a generated document of about 1,500 distinct chunks into the
same store.  The figure the issue asks for: p95 within 2 s.

    python -m qa.benchmarks.busy_ingest                 # scheduled (the default), the demo corpus + a 1,500-chunk document
    python -m qa.benchmarks.busy_ingest --unscheduled   # the model taken for whole flushes, as before qa.scheduling
    python -m qa.benchmarks.busy_ingest --chunks 300 --model all-MiniLM-L6-v2
    python -m qa.benchmarks.busy_ingest --bulk inline     # QA_BULK_EMBEDDING: never the worker process (auto, worker)
    python -m qa.benchmarks.busy_ingest --no-questions    # the same ingestion with no question asked meanwhile

Memory: peak resident size of this process and of the bulk worker process (qa.bulk_worker), when one ran.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from qa.benchmarks.stats import percentile

QUESTIONS = [
    "How many fentanyl-linked deaths were estimated in 2024?",
    "When did China cut off drug control cooperation with the US?",
    "What are precursor chemicals?",
    "How many Americans died of fentanyl overdoses in 2022?",
    "Which country is the primary source of illicit fentanyl?",
]
_WORDS = ("harbour quay vessel cargo berth crane tide pilot customs freight ledger manifest tariff ballast anchor dredge "
          "warehouse container schedule inspection permit captain tug barge lock canal shipment invoice").split()


def large_document(path: Path, chunks: int, seed: int = 7) -> None:
    """A plain-text document that chunks into about ``chunks`` distinct chunks of ~700 characters."""
    rng = random.Random(seed)
    sentences = []
    while sum(len(s) + 1 for s in sentences) < chunks * 660:
        n = len(sentences)
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 16)))
        sentences.append(f"Entry {n}: the {words} recorded {rng.randint(10, 99_999):,} units in week {n % 52 + 1}.")
    path.write_text("Harbour ledger, entry by entry.\n\n" + " ".join(sentences), encoding="utf-8")


def run(chunks: int = 1500, scheduled: bool = True, corpus: Path | None = None, questions: bool = True) -> dict:
    from qa import api
    from qa.embedding import get_embedder
    from qa.settings import get_settings

    root = Path(tempfile.mkdtemp(prefix="qa-busy-ingest-"))
    try:
        store = root / "store"
        corpus = corpus or Path(__file__).resolve().parents[2] / "corpus"
        api.ingest([corpus], store=store)
        (root / "big").mkdir()
        large_document(root / "big" / "ledger.txt", chunks)
        if not scheduled:
            s = get_settings()
            api._embedder = lambda model: get_embedder(model, s.embedding_batch_size, s.embedding_backend)
        api.ask(QUESTIONS[0], store=store)  # models loaded, caches warm
        done = threading.Event()
        report = {}

        def bulk() -> None:
            started = time.perf_counter()
            report["ingest"] = api.ingest([root / "big"], store=store)
            report["ingest_seconds"] = time.perf_counter() - started
            done.set()

        worker = threading.Thread(target=bulk, name="bulk-ingest")
        load_before = os.getloadavg()
        worker.start()
        latencies = []
        i, begun, shown = 0, time.perf_counter(), time.perf_counter()
        while questions and not done.is_set():
            started = time.perf_counter()
            api.ask(QUESTIONS[i % len(QUESTIONS)], store=store)
            latencies.append(time.perf_counter() - started)
            i += 1
            if started - shown >= 60:  # figures so far, in case the run is stopped before the end
                shown = started
                print(json.dumps({"seconds": round(started - begun), "questions": len(latencies), "p50_s": round(percentile(latencies, 50), 2),
                                  "p95_s": round(percentile(latencies, 95), 2), "max_s": round(max(latencies), 2),
                                  "load_average": [round(x, 2) for x in os.getloadavg()]}), file=sys.stderr, flush=True)
        worker.join()
        ingest = report["ingest"]
        bulk_worker_mb = _bulk_worker_peak_mb()
        return {
            "scheduled": scheduled, "model": api._store(store, None).embedding_model, "chunks_embedded": ingest.chunks_embedded,
            "ingest_seconds": round(report["ingest_seconds"], 1), "questions": len(latencies),
            "p50_s": round(percentile(latencies, 50), 2) if latencies else None, "p95_s": round(percentile(latencies, 95), 2) if latencies else None,
            "max_s": round(max(latencies), 2) if latencies else None, "load_average": [round(x, 2) for x in os.getloadavg()],
            "load_average_before": [round(x, 2) for x in load_before], "bulk_embedding": get_settings().bulk_embedding,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "bulk_worker_peak_rss_mb": bulk_worker_mb,
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _bulk_worker_peak_mb() -> int | None:
    """Peak resident size of the bulk worker process (qa.bulk_worker), if one is running."""
    from qa import bulk_worker

    for worker in list(bulk_worker._workers.values()):
        if worker.pid:
            try:
                status = Path(f"/proc/{worker.pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=1500)
    parser.add_argument("--unscheduled", action="store_true", help="bypass qa.scheduling (the behaviour before it)")
    parser.add_argument("--model", help="QA_EMBEDDING_MODEL for the run")
    parser.add_argument("--bulk", choices=["auto", "worker", "inline"], help="QA_BULK_EMBEDDING for the run")
    parser.add_argument("--no-questions", action="store_true", help="ingest with no question asked meanwhile (ingestion speed alone)")
    args = parser.parse_args(argv)
    if args.model:
        os.environ["QA_EMBEDDING_MODEL"] = args.model
    if args.bulk:
        os.environ["QA_BULK_EMBEDDING"] = args.bulk
    print(json.dumps(run(args.chunks, scheduled=not args.unscheduled, questions=not args.no_questions)))


if __name__ == "__main__":
    main()
